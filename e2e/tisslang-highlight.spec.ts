// The TissLang highlight.js definition (editors/highlightjs/tisslang.js) loads into the highlight.js the app
// ships and marks TissLang's parts. The web app shows no TissLang, so this runs in Node, not in a page.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import hljs from 'highlight.js/lib/core';
import tisslang from '../editors/highlightjs/tisslang.js';

hljs.registerLanguage('tisslang', tisslang);

function spans(html: string, scope: string): string[] {
  const found: string[] = [];
  const pattern = new RegExp(`<span class="${scope}">([^<]*)`, 'g');
  for (const match of html.matchAll(pattern)) found.push(match[1]);
  return found;
}

test('highlight.js loads the TissLang definition and marks an example script', () => {
  expect(hljs.getLanguage('tiss')?.name).toBe('TissLang');
  const source = readFileSync('examples/tiss/every_form.tiss', 'utf8');
  const html = hljs.highlight(source, { language: 'tisslang' }).value;
  for (const keyword of ['TASK', 'SETUP', 'STEP', 'WRITE', 'RUN', 'ASSERT', 'IF', 'ELSE', 'TRY', 'CATCH', 'PAUSE'])
    expect(spans(html, 'hljs-keyword')).toContain(keyword);
  expect(spans(html, 'hljs-operator')).toEqual(expect.arrayContaining(['CONTAINS', 'NOT', '&lt;=', 'IS_NOT_EMPTY']));
  expect(spans(html, 'hljs-variable language_')).toContain('LAST_RUN.STDOUT');
  expect(spans(html, 'hljs-meta')[0]).toBe('@author WorldModel   ');
  expect(spans(html, 'hljs-comment')).toContain('# steps nest to any depth');
  expect(spans(html, 'hljs-subst')).toContain('{{greeting}}');
});

test('a heredoc is one string up to its own delimiter, blank lines and look-alike lines included', () => {
  const source = 'WRITE "a.py" <<PY\n  x = 1\n\n  EOF\n  pass\nPY\nRUN "python3 a.py"  # run it\n';
  const html = hljs.highlight(source, { language: 'tisslang' }).value;
  expect(html).toContain('<span class="hljs-string">&lt;&lt;PY\n  x = 1\n\n  EOF\n  pass\nPY</span>');
  expect(spans(html, 'hljs-keyword')).toEqual(['WRITE', 'RUN']);
  expect(spans(html, 'hljs-comment')).toEqual(['# run it']);
});

test('unsupported forms stand out and a # inside a string is text', () => {
  const html = hljs.highlight('PARALLEL {\n  LOG "issue #19"\n}\n', { language: 'tisslang' }).value;
  expect(spans(html, 'hljs-deletion')).toEqual(['PARALLEL']);
  expect(spans(html, 'hljs-string')).toEqual(['&quot;issue #19&quot;']);
  expect(spans(html, 'hljs-comment')).toEqual([]);
});
