'use strict';
// Real-browser test of the gallery page: the real zipcatcherd, Debian's chromium driven
// headless by playwright-core. Upload through the form (answering the token prompt), see the
// image, edit its caption, filter, delete. Saves a screenshot under the build directory.
//   node gallery.test.js DAEMON_BIN ARTIFACT_DIR
// Exit 0 pass, 1 fail, 77 skipped (no chromium or playwright-core here). With
// ZC_REQUIRE_BROWSER set (scripts/run-tests, hence CI) a missing browser is a failure: a skip
// there would hide that the page was never tested.
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const REQUIRED = Boolean(process.env.ZC_REQUIRE_BROWSER);
function skip(why) {
  console.log((REQUIRED ? 'FAIL (ZC_REQUIRE_BROWSER is set): ' : 'SKIP: ') + why);
  process.exit(REQUIRED ? 1 : 77);
}
const CHROMIUM = process.env.ZC_CHROMIUM || '/usr/bin/chromium';
const [daemonBin, artifactDir] = process.argv.slice(2);
if (!daemonBin || !artifactDir) {
  console.error('usage: node gallery.test.js DAEMON_BIN ARTIFACT_DIR');
  process.exit(2);
}
let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch (e) {
  skip('playwright-core is not installed (npm ci in tests/browser)');
}
if (!fs.existsSync(CHROMIUM)) {
  skip('no chromium at ' + CHROMIUM);
}

const TOKEN = 'browser-test-token-0123456789abcdef';
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

async function waitHttp(url, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try { const r = await fetch(url); if (r.ok) return; } catch (e) { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('daemon did not answer ' + url);
}

// Polls a predicate in the page until it holds. Not page.waitForFunction: playwright-core runs
// that predicate through eval() inside the page (even when given a function), which the page's
// CSP rightly forbids; page.evaluate() calls the function over CDP, which CSP allows.
async function waitInPage(page, predicate, what, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    if (await page.evaluate(predicate)) return;
    if (Date.now() > end) throw new Error('timed out waiting for: ' + what);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function check(cond, what) {
  if (!cond) throw new Error('check failed: ' + what);
  console.log('ok - ' + what);
}

async function main() {
  fs.mkdirSync(artifactDir, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zcb-'));
  const port = await freePort();
  fs.writeFileSync(path.join(dir, 'zipcatcher.conf'), '[observer]\nlatitude = 51.4779\nlongitude = -0.0015\n', { mode: 0o600 });
  const env = { PATH: '/usr/bin:/bin', HOME: dir, XDG_RUNTIME_DIR: dir, XDG_STATE_HOME: dir, XDG_CONFIG_HOME: dir };
  const daemon = spawn(daemonBin, ['--foreground', '--config', path.join(dir, 'zipcatcher.conf'),
    '--socket', path.join(dir, 'c.sock'), '--paths.state_dir', path.join(dir, 'state'),
    '--paths.log_dir', path.join(dir, 'log'), '--http.bind', '127.0.0.1:' + port,
    ...(process.getuid() === 0 ? ['--allow-root'] : [])],
  { env: { ...env, ZIPCATCHER_GALLERY_AUTH_TOKEN: TOKEN }, stdio: ['ignore', 'ignore', 'pipe'] });
  let daemonErr = '';
  daemon.stderr.on('data', (d) => { daemonErr += d; });
  const base = 'http://127.0.0.1:' + port;
  let context;
  try {
    await waitHttp(base + '/gallery/list', 15000);
    const imgPath = path.join(dir, 'transit.png');
    fs.writeFileSync(imgPath, PNG);
    // A fresh profile directory (playwright passes it as --user-data-dir), and a phone-sized
    // viewport: the page must work there.
    context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 390, height: 844 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = context.pages()[0] || await context.newPage();
    const prompts = [];
    page.on('dialog', async (d) => {
      prompts.push(d.type());
      if (d.type() === 'prompt') await d.accept(TOKEN);
      else await d.accept();
    });
    await page.goto(base + '/gallery');
    await page.waitForSelector('#grid .empty');
    check(await page.locator('.card').count() === 0, 'empty gallery at start');

    await page.click('#upload-box summary');
    await page.setInputFiles('#upload-file', imgPath);
    await page.fill('#upload-flight', 'BAW123');
    await page.selectOption('#upload-target', 'sun');
    await page.fill('#upload-caption', 'first light');
    await page.click('#upload-submit');
    await page.waitForSelector('.card');
    check(prompts.includes('prompt'), 'the token was asked for on the first write');
    check(await page.evaluate(() => localStorage.getItem('galleryAuthToken')) === TOKEN, 'token kept in localStorage');
    check((await page.textContent('.card .caption')) === 'first light', 'uploaded image shows its caption');
    const loaded = await page.$eval('.card img', (img) => img.complete && img.naturalWidth === 2);
    check(loaded, 'the image itself loads');

    await page.click('.card .edit');
    await page.fill('#edit-caption', 'edited caption');
    await page.click('#edit-save');
    await waitInPage(page, () => document.querySelector('.card .caption')?.textContent === 'edited caption',
      'the edited caption on the card');
    check(true, 'caption edited');
    const list = await (await fetch(base + '/gallery/list')).json();
    check(list.length === 1 && list[0].metadata.caption === 'edited caption', 'server has the new caption');
    check(prompts.filter((p) => p === 'prompt').length === 1, 'token asked for only once');

    await page.selectOption('#filter', 'moon');
    await page.waitForSelector('#grid .empty');
    check(await page.locator('.card').count() === 0, 'moon filter hides the sun image');
    await page.selectOption('#filter', 'sun');
    await page.waitForSelector('.card');
    check(await page.locator('.card').count() === 1, 'sun filter shows it');
    await page.selectOption('#filter', 'all');

    await page.click('.card img');
    check(await page.isVisible('#lightbox'), 'lightbox opens');
    await page.screenshot({ path: path.join(artifactDir, 'gallery-lightbox.png') });
    await page.click('#lightbox');

    await page.screenshot({ path: path.join(artifactDir, 'gallery.png'), fullPage: true });
    await page.click('.card .delete');
    await page.waitForSelector('#grid .empty');
    check(prompts.includes('confirm'), 'delete asked for confirmation');
    const after = await (await fetch(base + '/gallery/list')).json();
    check(after.length === 0, 'image deleted on the server');

    await page.click('#forget-token');
    check(await page.evaluate(() => localStorage.getItem('galleryAuthToken')) === null, 'forget token');
    console.log('screenshots in ' + artifactDir);
    return 0;
  } catch (e) {
    console.error('FAIL: ' + e.message);
    console.error('daemon stderr:\n' + daemonErr);
    return 1;
  } finally {
    if (context) await context.close();
    daemon.kill('SIGTERM');
    await new Promise((r) => daemon.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (e) => { console.error(e); process.exit(1); });
