// axe-core scans of every mode (with an answer on screen and both panels open), and keyboard use of the tabs:
// no serious or critical violation (WCAG 2 A/AA rules, contrast included).
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { MODULE_391, openApp, openSolverEditor, presetChat, presetSettings } from './app-helpers';

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('an axe-core scan of each mode finds no serious violations', async ({ page, browserName }) => {
  await presetSettings(page, { temperature: 1, topP: 1, maxTokens: 6 });
  await presetChat(page); // a stored answer with every step: think, module, computed, final
  await openApp(page, browserName);
  for (const summary of await page.locator('#chat-history summary').all()) await summary.click();
  await page.locator('#toggle-perf').click();
  await page.locator('#toggle-settings').click();
  await page.locator('#chat-input').fill('What is 17 times 23?');
  await page.locator('#chat-input').press('Enter');
  await expect(page.locator('#chat-history .message.assistant').last()).toHaveAttribute('data-reason', /eos|max_tokens/);
  expect(await seriousViolations(page), 'chat').toEqual([]);

  await openSolverEditor(page);
  await page.locator('#solver-wat-input').fill(MODULE_391);
  await page.locator('#solver-run').click();
  await expect(page.locator('#solver-computed')).toHaveText('391');
  expect(await seriousViolations(page), 'solver').toEqual([]);

  await page.getByRole('tab', { name: 'Code completion' }).click();
  await page.locator('#code-complete').click();
  await expect(page.locator('#code-complete')).toBeEnabled();
  expect(await seriousViolations(page), 'code completion').toEqual([]);
});

test('the mode tabs work from the keyboard with a visible focus', async ({ page, browserName }) => {
  await openApp(page, browserName);
  await page.getByRole('tab', { name: 'Chat' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Math solver' })).toBeFocused();
  await expect(page.getByRole('tab', { name: 'Math solver' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('#mode-solver')).toBeVisible();
  const outline = await page.getByRole('tab', { name: 'Math solver' }).evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe('none');
});

test('axe-core scans of the benchmark page (idle, with results, the submit dialog) and the leaderboard find no serious violations', async ({ page, browserName }) => {
  test.setTimeout(240_000);
  await page.goto(`/benchmark.html?threads=${browserName === 'firefox' ? 1 : 2}&questionTokens=4`);
  await expect(page.locator('#bench-provable')).not.toBeEmpty();
  expect(await seriousViolations(page), 'benchmark, idle').toEqual([]);
  await page.getByRole('button', { name: 'Start the benchmark' }).click();
  await expect(page.locator('body')).toHaveAttribute('data-outcome', /valid|invalid|unproven/, { timeout: 200_000 });
  expect(await seriousViolations(page), 'benchmark, results').toEqual([]);
  await page.getByRole('button', { name: 'Submit to the leaderboard…' }).click();
  await expect(page.getByRole('dialog')).toBeVisible();
  expect(await seriousViolations(page), 'benchmark, submit dialog').toEqual([]);
  await page.getByRole('button', { name: 'Cancel' }).last().click();
  await page.goto('/leaderboard.html');
  await expect(page.locator('body')).toHaveAttribute('data-state', /ready|error/);
  expect(await seriousViolations(page), 'leaderboard').toEqual([]);
});
