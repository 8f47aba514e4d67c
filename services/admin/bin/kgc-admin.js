#!/usr/bin/env node
// kgc-admin: the logic lives in src/main.ts (built to dist/); this only starts it.
import { main } from '../dist/main.js';

await main();
