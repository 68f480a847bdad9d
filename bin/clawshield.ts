#!/usr/bin/env node
// The `clawshield` bin: runs the CLI on the Node that npm put first on PATH (the pinned Node 24).
import { runCli } from "../src/cli/main.ts";

process.exitCode = await runCli(process.argv.slice(2));
