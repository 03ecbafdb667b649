// Syntax highlighting for WAT and Python with highlight.js (core + two languages keeps it small).
import hljs from 'highlight.js/lib/core';
import wasm from 'highlight.js/lib/languages/wasm';
import python from 'highlight.js/lib/languages/python';
import 'highlight.js/styles/github.css';

hljs.registerLanguage('wasm', wasm);
hljs.registerLanguage('python', python);

export function highlightInto(element: HTMLElement, code: string, language: 'wasm' | 'python'): void {
  element.innerHTML = hljs.highlight(code, { language, ignoreIllegals: true }).value;
}
