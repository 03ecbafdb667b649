/*
Language: TissLang
Description: task scripts for WorldModel's agent engine (docs/tisslang.md)
Category: scripting
Usage: import tisslang from './tisslang.js'; hljs.registerLanguage('tisslang', tisslang);
*/

/** @type {import('highlight.js').LanguageFn} */
export default function tisslang(hljs) {
  const INTERPOLATION = {
    scope: 'subst',
    begin: /\{\{\s*[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*\s*\}\}/,
  };
  const STRING = {
    scope: 'string',
    variants: [
      { begin: /"/, end: /"/ },
      { begin: /'/, end: /'/ },
    ],
    illegal: /\n/,
    contains: [hljs.BACKSLASH_ESCAPE, INTERPOLATION],
  };
  // WRITE "f" <<EOF … EOF: the body ends at a line holding only the opener's delimiter.
  const HEREDOC = {
    scope: 'string',
    begin: /<<-?(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1[ \t]*(?=$|#)/,
    end: /^[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*$/,
    'on:begin': (match, response) => { response.data.delimiter = match[2]; },
    'on:end': (match, response) => { if (response.data.delimiter !== match[1]) response.ignoreMatch(); },
    contains: [INTERPOLATION],
  };
  return {
    name: 'TissLang',
    aliases: ['tiss'],
    keywords: {
      keyword: ['TASK', 'SETUP', 'STEP', 'IF', 'THEN', 'ELSE', 'TRY', 'CATCH', 'RUN', 'WRITE', 'READ', 'ASSERT',
        'VAR', 'SET_BUDGET', 'LOG', 'PROMPT_AGENT', 'REQUEST_REVIEW', 'PAUSE', 'AS', 'INTO'],
      operator: ['CONTAINS', 'NOT', 'IS_EMPTY', 'IS_NOT_EMPTY', 'FILE', 'EXISTS', 'AND', 'OR'],
      literal: ['TRUE', 'FALSE'],
      $pattern: /[A-Za-z_][A-Za-z0-9_]*/,
    },
    contains: [
      hljs.HASH_COMMENT_MODE,
      { scope: 'meta', begin: /^[ \t]*@[A-Za-z_][A-Za-z0-9_-]*/, end: /(?=#)|$/ },
      HEREDOC,
      STRING,
      { scope: 'variable.language', begin: /\bLAST_RUN\.(?:STDOUT|STDERR|EXIT_CODE|EXECUTION_TIME)\b/ },
      { scope: 'deletion', begin: /\b(?:PARALLEL|CHOOSE|OPTION|ESTIMATE_COST)\b/ },
      { scope: 'number', begin: /-?\b\d+(?:\.\d+)?\b/, relevance: 0 },
      { scope: 'operator', begin: /==|!=|<=|>=|<|>|=/, relevance: 0 },
    ],
  };
}
