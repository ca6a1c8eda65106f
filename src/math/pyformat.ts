// Python's `{:.Nf}` lives with the library's other number formats; this path keeps its importers working.
export { pyFixed } from './format.js';
