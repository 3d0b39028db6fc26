// Lecture mode (present=1): one figure filling a projector's screen, large text, a clicker's
// PageDown/PageUp stepping through the tour or a chosen list of scenes, Escape leaving; and
// predict-then-reveal: a question hides its answer until the room's guess is clicked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, open, screenshot, stats } from '../helpers.mjs';

let server, browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const projector = { viewport: { width: 1280, height: 720 } };
const px = (page, sel) => page.$eval(sel, (e) => parseFloat(getComputedStyle(e).fontSize));
const box = (page, sel) => page.$eval(sel, (e) => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height }; });

test('the Present button fills the screen with one figure; PageDown/PageUp step the tour; Escape leaves', async () => {
  const { page, errors, context } = await open(browser, server.url, '', projector);
  await page.click('#present-start');
  await sleep(500);
  assert.equal(await page.$eval('body', (b) => b.classList.contains('presenting')), true);
  assert.match(await page.textContent('#present-count'), /^1 \/ 7 · Digital SGD with noise/);
  // One figure, filling most of the screen's height; the controls and the other panels are gone.
  const fig = await box(page, '#panel-landscape');
  assert.ok(fig.h > 0.8 * 720 - 80 && fig.w > 500, `figure ${JSON.stringify(fig)}`);
  for (const hidden of ['.side', '#panel-loss', '#panel-distance', '#sweep-panel', 'header.site', '#scenes']) {
    assert.equal(await page.isVisible(hidden), false, `${hidden} is hidden in lecture mode`);
  }
  // Large text: the caption and the bar at 24 px or more.
  assert.ok((await px(page, '#caption')) >= 24, 'caption font');
  assert.ok((await px(page, '#present-count')) >= 22, 'bar font');
  // The whole caption is on screen.
  const cap = await box(page, '#caption');
  assert.ok(cap.y >= 0 && cap.y + cap.h <= 720 - 60, `caption ${JSON.stringify(cap)}`);
  await page.keyboard.press('PageDown');
  await sleep(300);
  assert.match(await page.textContent('#present-count'), /^2 \/ 7 · An asymmetric device/);
  assert.equal((await stats(page)).scenario.includes('algos=digital,analog'), true);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await sleep(300);
  assert.match(await page.textContent('#present-count'), /^4 \/ 7 · Tiki-Taka/);
  await page.keyboard.press('PageUp');
  await sleep(300);
  assert.match(await page.textContent('#present-count'), /^3 \/ 7/);
  await screenshot(page, 'present-1280x720');
  await sleep(400);
  assert.equal(new URL(page.url()).searchParams.get('present'), '1', 'the lecture is in the link');
  await page.keyboard.press('Escape');
  await sleep(400);
  assert.equal(await page.$eval('body', (b) => b.classList.contains('presenting')), false);
  assert.equal(await page.isVisible('.side'), true);
  assert.equal(await page.isVisible('#present-bar'), false);
  assert.equal(new URL(page.url()).searchParams.get('present'), null);
  assert.deepEqual(errors, []);
  await context.close();
});

test('predict, then reveal: the run waits for a guess, then the answer gives its distance', async () => {
  const { page, errors, context } = await open(browser, server.url, '?present=1&tour=3', projector);
  await sleep(800);
  assert.match(await page.textContent('#present-question'), /Where will Analog SGD's average settle\?/);
  assert.equal(await page.isVisible('#present-question'), true);
  assert.equal(await page.isVisible('#caption'), false, 'the caption (which names the answer) waits');
  let st = await stats(page);
  assert.equal(st.step, 0, 'nothing of the run shows before the guess');
  assert.equal(st.landmarks.theory, null, 'the theory point is hidden while the question is open');
  // The room guesses: a click on the landscape.
  const c = await box(page, '#landscape-dynamic');
  await page.mouse.click(c.x + 0.3 * c.w, c.y + 0.4 * c.h);
  await sleep(800);
  st = await stats(page);
  assert.ok(st.step >= 40000, `the run is shown to its end (step ${st.step})`);
  assert.notEqual(st.landmarks.theory, null, 'the ◇ appears');
  const answer = await page.textContent('#present-answer');
  assert.match(answer, /^Your guess is [0-9.e-]+ from where Analog SGD's average settled \(▲\), which is [0-9.e-]+ from the theory point ◇/);
  assert.equal(await page.isVisible('#present-answer'), true);
  assert.equal(await page.isVisible('#caption'), true);
  assert.equal(await page.isVisible('#present-question'), false);
  await screenshot(page, 'present-revealed-1280x720');
  assert.deepEqual(errors, []);
  await context.close();
});

test('scenes= makes the lecture\'s list; an unknown scene is left out with a notice', async () => {
  const { page, errors, context } = await open(browser, server.url, '?present=1&scenes=stall,nonsense,tiki-taka', projector);
  await sleep(800);
  assert.match(await page.textContent('#present-count'), /^1 \/ 2 · /);
  assert.match(await page.textContent('#notice-list'), /scenes=nonsense: no such scene/);
  await page.keyboard.press('PageDown');
  await sleep(500);
  assert.match(await page.textContent('#present-count'), /^2 \/ 2 · /);
  assert.equal(await page.isDisabled('#present-next'), true);
  // On a phone the figure and the caption stack.
  await page.setViewportSize({ width: 390, height: 844 });
  await sleep(500);
  const fig = await box(page, '#panel-landscape');
  const cap = await box(page, '#caption');
  assert.ok(cap.y >= fig.y + fig.h - 1, 'the caption is under the figure on a portrait screen');
  await screenshot(page, 'present-390x844');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a lecture through the network scenes: each caption is whole in its box above the legend, large, without the setup line', async () => {
  const { page, errors, context } = await open(browser, server.url, '?present=1&scenes=paper-mnist,paper-cnn,digits', projector);
  for (let i = 0; i < 3; i++) {
    await sleep(800);
    const c = await page.$eval('#caption', (e) => ({ bottom: e.getBoundingClientRect().bottom, over: e.scrollHeight - e.clientHeight,
      font: parseFloat(getComputedStyle(e).fontSize), text: e.textContent }));
    const legend = await box(page, '.legend');
    const where = `slide ${i + 1}: ${JSON.stringify(c)}`;
    assert.ok(c.over <= 1, `${where}: the text runs past its box`);
    assert.ok(c.bottom <= legend.y + 1, `${where}: the caption reaches into the legend at ${legend.y}`);
    assert.ok(c.font >= 16, where);
    assert.doesNotMatch(c.text, /Setup:/, where);
    if (i === 1) await screenshot(page, 'present-paper-cnn-1280x720');
    await page.keyboard.press('PageDown');
  }
  // Leaving brings the setup line and the page's own font size back.
  await page.keyboard.press('Escape');
  await sleep(300);
  assert.match(await page.textContent('#caption'), /Setup:/);
  assert.equal(await page.$eval('#caption', (e) => e.style.fontSize), '');
  assert.deepEqual(errors, []);
  await context.close();
});
