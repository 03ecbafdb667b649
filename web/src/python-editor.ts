// The Python pane's code editor: CodeMirror 6 with Python highlighting, line numbers and the converter's
// error shown as a diagnostic (underlined at its column, a marker in the gutter, the message on hover).

import { EditorView, basicSetup } from 'codemirror';
import { python } from '@codemirror/lang-python';
import { lintGutter, setDiagnostics } from '@codemirror/lint';

export interface PythonEditor {
  view: EditorView;
  getSource(): string;
  setSource(text: string): void;
  /** Marks `line` (1-based) from `col` (0-based, as Python's ast gives it) to the line's end; line 0 marks line 1. */
  markError(line: number, col: number, message: string): void;
  clearError(): void;
}

export function createPythonEditor(parent: HTMLElement, text: string, onChange: (text: string) => void): PythonEditor {
  const view = new EditorView({
    doc: text,
    parent,
    extensions: [
      basicSetup,
      python(),
      lintGutter(),
      EditorView.contentAttributes.of({ 'aria-label': 'Python program' }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) onChange(update.state.doc.toString());
      }),
    ],
  });
  return {
    view,
    getSource: () => view.state.doc.toString(),
    setSource(next: string) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: next } });
    },
    markError(line: number, col: number, message: string) {
      const doc = view.state.doc;
      const target = doc.line(Math.min(Math.max(line, 1), doc.lines));
      const from = target.from + Math.min(Math.max(col, 0), target.length);
      const to = from < target.to ? target.to : Math.min(from + 1, doc.length);
      view.dispatch(setDiagnostics(view.state, [{ from, to, severity: 'error', message, source: 'worldmodel.wat' }]));
      view.dispatch({ selection: { anchor: from }, scrollIntoView: true });
    },
    clearError() {
      view.dispatch(setDiagnostics(view.state, []));
    },
  };
}
