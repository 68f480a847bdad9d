// Generic driver: any channel without a dedicated driver (webchat, line, custom channel plugins).
import { defineDriver } from "./base.ts";

export const genericDriver = defineDriver("generic", [], { threads: true, topics: false, reactions: false, edits: false, media: true, mentions: false });
