import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { renderUnit } from "../../src/service/systemd.ts";
import { createSdNotifier, watchdogIntervalMs } from "../../src/service/notify.ts";
import { cli } from "../cli/helpers.ts";

const MAIN = path.resolve(import.meta.dirname, "../../src/cli/main.ts");
const hasAnalyze = spawnSync("systemd-analyze", ["--version"], { encoding: "utf8" }).status === 0;

describe("systemd units", () => {
  for (const mode of ["system", "user"] as const) {
    it(`the ${mode} unit is hardened`, () => {
      const unit = renderUnit({ mode, node: process.execPath, main: MAIN, stateDir: "/var/lib/clawshield", config: "/etc/clawshield/clawshield.toml" });
      for (const line of ["NoNewPrivileges=yes", "ProtectSystem=strict", "ReadWritePaths=/var/lib/clawshield", "PrivateTmp=yes", "Restart=on-failure", "Type=notify", "WatchdogSec=30s"]) {
        assert.ok(unit.includes(line), `missing ${line}`);
      }
      assert.match(unit, /^ExecStart=\S+ --liftoff-only --max-semi-space-size=\d+ --max-old-space-size=\d+ \S+main\.ts start --config \/etc\/clawshield\/clawshield\.toml$/m, "the runtime Node flags are on the command line");
      assert.match(unit, /^Environment=MALLOC_ARENA_MAX=1$/m);
      assert.match(unit, /^Environment=MALLOC_TRIM_THRESHOLD_=65536$/m);
      assert.equal(unit.includes("User=clawshield"), mode === "system");
    });

    it(`systemd-analyze verify accepts the ${mode} unit`, { skip: hasAnalyze ? false : "systemd-analyze not installed" }, () => {
      const dir = mkdtempSync(path.join(tmpdir(), "cs-unit-"));
      const file = path.join(dir, "clawshield.service");
      // Verify without a User= that may not exist on this machine; everything else as rendered.
      writeFileSync(file, renderUnit({ mode, node: process.execPath, main: MAIN, stateDir: dir }).replace(/^(User|Group)=.*\n/gm, ""));
      const r = spawnSync("systemd-analyze", ["verify", ...(mode === "user" ? ["--user"] : []), file], { encoding: "utf8", timeout: 60_000 });
      const problems = `${r.stderr}${r.stdout}`.split("\n").filter((l) => l.includes("clawshield.service") && !/Failed to (?:connect|create)|bus|Transport endpoint|XDG_RUNTIME_DIR|Failed to initialize manager/i.test(l));
      assert.deepEqual(problems, [], `systemd-analyze verify:\n${r.stderr}`);
    });
  }

  it("`clawshield service install --print` renders the unit without touching the system", async () => {
    const r = await cli(["service", "install", "--print", "--system", "--state-dir", "/srv/cs"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /ReadWritePaths=\/srv\/cs/);
    assert.match(r.stdout, /WantedBy=multi-user\.target/);
  });
});

describe("sd_notify", () => {
  it("is inactive outside systemd and derives the watchdog interval", () => {
    assert.equal(createSdNotifier({}).active, false);
    assert.equal(createSdNotifier({ NOTIFY_SOCKET: "/run/x" }).active, true);
    assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: "30000000" }), 15000);
    assert.equal(watchdogIntervalMs({}), undefined);
  });
});
