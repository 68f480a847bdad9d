// The package version, reported in every decision and in /healthz.
import pkg from "../package.json" with { type: "json" };

export const VERSION: string = (pkg as { version: string }).version;
