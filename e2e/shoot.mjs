// Screenshot helper for looking at the app: node shoot.mjs '<query>' out.png [seconds] [width] [height] [selector]
import { serveDist, launch, open } from './helpers.mjs';
const [query = '', out = 'shot.png', secs = '4', width = '1300', height = '1000', selector] = process.argv.slice(2);
const server = await serveDist();
const browser = await launch();
const { page, errors } = await open(browser, server.url, query, { viewport: { width: Number(width), height: Number(height) } });
await new Promise((ok) => setTimeout(ok, Number(secs) * 1000));
if (selector) await page.locator(selector).screenshot({ path: out });
else await page.screenshot({ path: out, fullPage: true });
if (errors.length) console.error(errors);
await browser.close();
await server.close();
