#!/usr/bin/env node
// `npm start`: build what changed, then run the server in this same process (signals reach it directly).
import './build.mjs';
await import('../dist/src/main.js');
