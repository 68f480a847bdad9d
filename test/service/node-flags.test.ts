// The runtime Node flags of `clawshield start` (src/service/node-flags.ts): when a re-execution is
// due, what it adds, and that an operator's own settings win.
import assert from "node:assert/strict";
import { it } from "node:test";
import { hasRuntimeFlags, missingRuntimeFlags, reexecCommand, RUNTIME_NODE_FLAGS, shouldReexec } from "../../src/service/node-flags.ts";

it("re-executes only when flags are missing, never twice, and not when tuning is off", () => {
  assert.equal(shouldReexec([], {}), true);
  assert.equal(shouldReexec([...RUNTIME_NODE_FLAGS], {}), false);
  assert.equal(shouldReexec([], { CLAWSHIELD_NODE_TUNED: "1" }), false, "the child never re-executes again");
  assert.equal(shouldReexec([], { CLAWSHIELD_NODE_TUNING: "off" }), false);
});

it("an operator's own heap size counts as set and is kept", () => {
  const mine = ["--max-old-space-size=1024"];
  assert.ok(!missingRuntimeFlags(mine).some((f) => f.startsWith("--max-old-space-size")));
  assert.equal(hasRuntimeFlags(["--liftoff-only", "--max-semi-space-size=4", "--max-old-space-size=1024"]), true);
  const { args, env } = reexecCommand(mine, ["/usr/bin/node", "/app/main.ts", "start", "--port", "0"], { MALLOC_ARENA_MAX: "4", PATH: "/bin" });
  assert.deepEqual(args.slice(-4), ["/app/main.ts", "start", "--port", "0"], "same script and arguments");
  assert.ok(args.includes("--liftoff-only") && args.includes("--max-old-space-size=1024") && !args.includes("--max-old-space-size=256"));
  assert.equal(env.MALLOC_ARENA_MAX, "4", "the operator's malloc setting wins");
  assert.equal(env.CLAWSHIELD_NODE_TUNED, "1");
  assert.equal(env.PATH, "/bin");
});
