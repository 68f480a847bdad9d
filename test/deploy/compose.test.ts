// deploy/compose.yml and the Dockerfile: `docker compose config` where a Docker Compose client works,
// otherwise (and always) a structural check with the `yaml` parser — services, build targets that
// exist in the Dockerfile, volumes / ports / depends_on consistent, the scenario file and entry points
// wired — plus Dockerfile structure (stages, non-root USER at runtime, HEALTHCHECK).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { TEMPLATE_VARS } from "../../deploy/stack/gateway-config.ts";
import { loadScenarios } from "../../deploy/stack/scenarios.ts";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const COMPOSE = path.join(ROOT, "deploy", "compose.yml");
const DOCKERFILE = path.join(ROOT, "Dockerfile");

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (v && typeof v === "object" && !Array.isArray(v) ? (v as Rec) : {});

interface Stage {
  name?: string;
  from: string;
  user?: string;
  healthcheck: boolean;
  lines: string[];
}

/** Dockerfile stages with their effective USER and whether they carry a HEALTHCHECK (inherited from a parent stage). */
export function parseDockerfile(text: string): Stage[] {
  const logical = text.replace(/\\\n/g, " ").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  const stages: Stage[] = [];
  for (const line of logical) {
    const m = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (m) {
      const parent = stages.find((s) => s.name === m[1]);
      stages.push({ from: m[1]!, ...(m[2] ? { name: m[2] } : {}), ...(parent?.user ? { user: parent.user } : {}), healthcheck: parent?.healthcheck ?? false, lines: [] });
      continue;
    }
    const cur = stages[stages.length - 1];
    if (!cur) continue;
    cur.lines.push(line);
    const u = /^USER\s+(\S+)/i.exec(line);
    if (u) cur.user = u[1]!;
    if (/^HEALTHCHECK\s+(?!NONE)/i.test(line)) cur.healthcheck = true;
  }
  return stages;
}

// Compose supports YAML merge keys (`<<: *build`); the yaml package needs them switched on.
const compose = parse(readFileSync(COMPOSE, "utf8"), { merge: true }) as Rec;
const services = rec(compose.services);
const stages = parseDockerfile(readFileSync(DOCKERFILE, "utf8"));
const svc = (name: string): Rec => rec(services[name]);
const env = (name: string): Record<string, string> => {
  const e = svc(name).environment;
  if (Array.isArray(e)) return Object.fromEntries(e.map((x) => String(x).split(/=(.*)/s).slice(0, 2) as [string, string]));
  return Object.fromEntries(Object.entries(rec(e)).map(([k, v]) => [k, String(v)]));
};
/** [volume or host path, container path, mode] of a service's volumes (short syntax). */
const mounts = (name: string): Array<[string, string, string]> =>
  (Array.isArray(svc(name).volumes) ? (svc(name).volumes as unknown[]) : []).map((v) => {
    const [src = "", dst = "", mode = "rw"] = String(v).split(":");
    return [src, dst, mode];
  });
/** The mount a container path lives on (longest prefix). */
const mountOf = (name: string, p: string): [string, string, string] | undefined =>
  mounts(name)
    .filter(([, dst]) => p === dst || p.startsWith(`${dst}/`))
    .sort((a, b) => b[1].length - a[1].length)[0];

describe("deploy/compose.yml", () => {
  test("docker compose config (when a Compose client is available)", (t) => {
    const probe = spawnSync("docker", ["compose", "version"], { encoding: "utf8", timeout: 15_000 });
    if (probe.error || probe.status !== 0) {
      t.skip(`no Docker Compose client here (${(probe.error?.message ?? probe.stderr ?? "").trim().split("\n")[0]}); the structural checks below still run`);
      return;
    }
    const r = spawnSync("docker", ["compose", "-f", COMPOSE, "config", "--quiet"], { encoding: "utf8", timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
  });

  test("four services, each built from a Dockerfile target that exists", () => {
    assert.deepEqual(Object.keys(services).sort(), ["assertor", "clawshield", "gateway", "producer"]);
    const targets = new Set(stages.map((s) => s.name).filter(Boolean));
    const want: Record<string, string> = { gateway: "gateway", clawshield: "clawshield", producer: "tools", assertor: "tools" };
    for (const [name, target] of Object.entries(want)) {
      const b = rec(svc(name).build);
      assert.equal(b.target, target, `${name} build target`);
      assert.ok(targets.has(String(b.target)), `Dockerfile has no stage ${String(b.target)}`);
      const ctx = path.resolve(path.dirname(COMPOSE), String(b.context));
      assert.equal(ctx, ROOT, `${name} build context must be the repository root`);
      assert.ok(existsSync(path.join(ctx, String(b.dockerfile ?? "Dockerfile"))), `${name} dockerfile`);
    }
  });

  test("depends_on names existing services, has no cycle, and waits for health only where there is a healthcheck", () => {
    const graph = new Map<string, string[]>();
    for (const [name, s] of Object.entries(services)) {
      const deps = rec(rec(s).depends_on);
      graph.set(name, Object.keys(deps));
      for (const [dep, spec] of Object.entries(deps)) {
        assert.ok(dep in services, `${name} depends on unknown ${dep}`);
        const cond = String(rec(spec).condition ?? "service_started");
        assert.ok(["service_started", "service_healthy", "service_completed_successfully"].includes(cond), cond);
        if (cond === "service_healthy") {
          const target = String(rec(svc(dep).build).target);
          const healthy = svc(dep).healthcheck !== undefined || stages.find((st) => st.name === target)?.healthcheck;
          assert.ok(healthy, `${name} waits for ${dep} to be healthy but ${dep} has no healthcheck`);
        }
        // `up --exit-code-from assertor` stops everything on the first exit: nothing may wait for completion.
        assert.notEqual(cond, "service_completed_successfully", `${name} → ${dep}: use the verdict hand-shake, not completion`);
      }
    }
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (n: string): void => {
      assert.ok(!visiting.has(n), `depends_on cycle through ${n}`);
      if (done.has(n)) return;
      visiting.add(n);
      for (const d of graph.get(n) ?? []) visit(d);
      visiting.delete(n);
      done.add(n);
    };
    for (const n of graph.keys()) visit(n);
    assert.deepEqual(Object.keys(rec(svc("producer").depends_on)).sort(), ["clawshield", "gateway"]);
    assert.deepEqual(Object.keys(rec(svc("clawshield").depends_on)), ["gateway"]);
  });

  test("named volumes are declared and used; bind mounts exist; published ports are loopback-only", () => {
    const declared = new Set(Object.keys(rec(compose.volumes)));
    const used = new Set<string>();
    for (const name of Object.keys(services)) {
      for (const [src, dst, mode] of mounts(name)) {
        assert.ok(dst.startsWith("/"), `${name}: ${dst}`);
        assert.ok(["rw", "ro"].includes(mode), `${name}: mode ${mode}`);
        if (src.startsWith(".") || src.startsWith("/")) assert.ok(existsSync(path.resolve(path.dirname(COMPOSE), src)), `${name}: bind source ${src}`);
        else {
          assert.ok(declared.has(src), `${name} uses undeclared volume ${src}`);
          used.add(src);
        }
      }
      for (const p of Array.isArray(svc(name).ports) ? (svc(name).ports as unknown[]) : []) assert.match(String(p), /^127\.0\.0\.1:\d+:\d+$/, `${name} publishes ${String(p)} beyond loopback`);
    }
    assert.deepEqual([...declared].sort(), [...used].sort(), "declared volumes all used");
  });

  test("the Gateway renders the shared template with the plugin and reaches the fake model in the producer", () => {
    const g = env("gateway");
    for (const v of TEMPLATE_VARS) assert.ok(g[v], `gateway environment lacks ${v}`);
    const cmd = [svc("gateway").entrypoint, svc("gateway").command].flat().map(String).join(" ");
    assert.match(cmd, /gateway-config\.ts \/opt\/clawshield-stack\/gateway\/openclaw\.template\.json/);
    assert.match(cmd, /exec node \/opt\/openclaw\/node_modules\/openclaw\/openclaw\.mjs gateway run/);
    const stackMount = mountOf("gateway", "/opt/clawshield-stack/stack/gateway-config.ts");
    assert.ok(stackMount && path.resolve(path.dirname(COMPOSE), stackMount[0]) === path.join(ROOT, "deploy"), "deploy/ is mounted at /opt/clawshield-stack");
    const model = new URL(g.FAKE_MODEL_BASE_URL!);
    assert.equal(model.hostname, "producer");
    assert.equal(model.port, env("producer").STACK_FAKE_MODEL_PORT);
    assert.equal(env("producer").STACK_FAKE_MODEL_HOST, "0.0.0.0");
    assert.equal(g.CLAWSHIELD_PLUGIN_PATH, "/app");
    // Token shared by the Gateway, ClawShield and the producer.
    assert.equal(g.OPENCLAW_GATEWAY_TOKEN, env("clawshield").CLAWSHIELD_GATEWAY_TOKEN);
    assert.equal(g.OPENCLAW_GATEWAY_TOKEN, env("producer").STACK_GATEWAY_TOKEN);
    assert.equal(env("clawshield").CLAWSHIELD_GATEWAY_URL, "ws://gateway:18789");
    assert.equal(env("producer").STACK_GATEWAY_URL, "ws://gateway:18789");
    assert.ok(env("clawshield").CLAWSHIELD_SERVER_TOKEN, "the image binds 0.0.0.0: server.token is required");
  });

  test("markers, report and ClawShield state are shared between the right containers", () => {
    const p = env("producer");
    const a = env("assertor");
    // Markers: written by exec inside the Gateway, read by producer and assertor at the same path.
    for (const name of ["gateway", "producer", "assertor"]) assert.equal(mountOf(name, p.STACK_MARKERS_DIR!)?.[0], "markers", `${name} mounts markers at ${p.STACK_MARKERS_DIR}`);
    assert.equal(mountOf("gateway", p.STACK_MARKERS_DIR!)?.[2], "rw");
    // Report and verdict hand-shake.
    assert.equal(p.STACK_REPORT, a.STACK_REPORT);
    assert.equal(p.STACK_WAIT_FOR, a.STACK_VERDICT);
    for (const f of [p.STACK_REPORT!, p.STACK_WAIT_FOR!]) {
      assert.equal(mountOf("producer", f)?.[0], mountOf("assertor", f)?.[0], `${f} shared`);
      assert.equal(mountOf("assertor", f)?.[2], "rw");
    }
    // State: the assertor reads the plugin's and the sidecar's folders from the volume they write.
    const dirs = a.STACK_STATE_DIRS!.split(",");
    const g = env("gateway");
    const c = env("clawshield");
    assert.ok(dirs.includes(g.CLAWSHIELD_PLUGIN_STATE_DIR!), "plugin state dir checked");
    assert.ok(dirs.includes(c.CLAWSHIELD_RUNTIME_STATE_DIR!), "sidecar state dir checked");
    for (const d of dirs) {
      const vol = mountOf("assertor", d)?.[0];
      assert.ok(vol && !vol.startsWith("."), `${d} is on a named volume in the assertor`);
      assert.ok(mountOf("gateway", d)?.[0] === vol || mountOf("clawshield", d)?.[0] === vol, `${d} is written by the gateway or clawshield on ${vol}`);
    }
    for (const [svcName, e] of [["gateway", g], ["clawshield", c]] as const) {
      const dir = e.CLAWSHIELD_RUNTIME_STATE_DIR!;
      assert.equal(e.CLAWSHIELD_RUNTIME_DECISION_LOG_PATH, `${dir}/decisions.jsonl`, `${svcName} decision log in its state dir`);
      assert.equal(e.CLAWSHIELD_SECURITY_QUARANTINE_DIR, `${dir}/quarantine`, `${svcName} quarantine in its state dir`);
    }
    assert.equal(g.CLAWSHIELD_PLUGIN_STATE_DIR, g.CLAWSHIELD_RUNTIME_STATE_DIR);
    assert.notEqual(g.CLAWSHIELD_RUNTIME_STATE_DIR, c.CLAWSHIELD_RUNTIME_STATE_DIR, "plugin and sidecar keep separate hash-chained logs");
  });

  test("producer and assertor run the shared entry points over every scenario", () => {
    for (const [name, entry] of [["producer", "deploy/stack/producer.ts"], ["assertor", "deploy/stack/assertor.ts"]] as const) {
      assert.deepEqual(svc(name).command, [entry]);
      assert.ok(existsSync(path.join(ROOT, entry)), entry);
      const e = env(name);
      assert.equal(e.STACK_ONLY, undefined, `${name} must run every scenario`);
      assert.equal(e.STACK_SCENARIOS, undefined, `${name} must use deploy/stack/scenarios.json`);
    }
    assert.ok(loadScenarios().scenarios.length >= 6);
    // The tools image copies the whole context: nothing the stack needs may be docker-ignored.
    const ignore = existsSync(path.join(ROOT, ".dockerignore")) ? readFileSync(path.join(ROOT, ".dockerignore"), "utf8").split("\n").map((l) => l.trim()) : [];
    for (const needed of ["deploy", "test", "src"]) assert.ok(!ignore.some((l) => l === needed || l === `${needed}/` || l === `/${needed}`), `.dockerignore excludes ${needed}`);
  });

  test("ClawShield runs with a read-only root file system, writing only its volume and /tmp", () => {
    const c = svc("clawshield");
    assert.equal(c.read_only, true);
    assert.ok((c.tmpfs as string[]).includes("/tmp"));
    assert.equal(mountOf("clawshield", env("clawshield").CLAWSHIELD_RUNTIME_STATE_DIR!)?.[0], "clawshield-state");
  });
});

describe("Dockerfile", () => {
  test("multi-stage on Node 24 with the clawshield, gateway and tools targets", () => {
    const names = stages.map((s) => s.name);
    for (const t of ["clawshield", "gateway", "tools"]) assert.ok(names.includes(t), `stage ${t}`);
    assert.match(readFileSync(DOCKERFILE, "utf8"), /ARG NODE_IMAGE=node:24/);
  });

  test("every runtime target runs as a non-root user", () => {
    for (const t of ["clawshield", "gateway", "tools"]) {
      const st = stages.find((s) => s.name === t);
      assert.ok(st?.user, `${t} sets USER`);
      assert.notEqual(st.user, "root", `${t} runs as root`);
      assert.notEqual(st.user, "0", `${t} runs as uid 0`);
    }
  });

  test("the services have a HEALTHCHECK and an exec-form entry point", () => {
    for (const t of ["clawshield", "gateway"]) {
      const st = stages.find((s) => s.name === t);
      assert.ok(st?.healthcheck, `${t} HEALTHCHECK`);
      assert.ok(st.lines.some((l) => /^ENTRYPOINT\s+\[/.test(l)), `${t} exec-form ENTRYPOINT`);
    }
    const cs = stages.find((s) => s.name === "clawshield");
    assert.ok(cs?.lines.some((l) => /HEALTHCHECK .*\/healthz/.test(l)), "clawshield healthcheck probes /healthz");
  });

  test("state goes to a volume (read-only root friendly)", () => {
    const cs = stages.find((s) => s.name === "clawshield");
    assert.ok(cs?.lines.some((l) => /^VOLUME\s+.*\/var\/lib\/clawshield/.test(l)));
    assert.ok(cs?.lines.some((l) => /CLAWSHIELD_RUNTIME_STATE_DIR=\/var\/lib\/clawshield/.test(l)));
  });
});
