import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';
const [file, out, y, h] = process.argv.slice(2);
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const p = await b.newPage({ viewport: { width: 1280, height: 800 } });
await p.goto(pathToFileURL(file).href);
await p.screenshot({ path: out, clip: { x: 0, y: Number(y), width: 1280, height: Number(h) }, fullPage: true });
await b.close();
