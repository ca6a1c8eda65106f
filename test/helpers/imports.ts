// The runtime import graph of compiled ES modules, and its cycles (Tarjan's strongly connected
// components, iterative so a deep chain cannot overflow the stack).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** The relative modules a compiled module imports or re-exports (static `import`/`export … from`, bare `import '…'`). */
export function importsOf(source: string, file: string): string[] {
  const out: string[] = [];
  const patterns = [/^\s*(?:import|export)\s[^;]*?\sfrom\s+['"](\.{1,2}\/[^'"]+)['"]/gm, /^\s*import\s+['"](\.{1,2}\/[^'"]+)['"]/gm];
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) out.push(resolve(dirname(file), m[1]!));
  return out;
}

export function importGraph(files: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const f of files) graph.set(resolve(f), importsOf(readFileSync(f, 'utf8'), resolve(f)));
  return graph;
}

/** The strongly connected components with more than one module (or a module importing itself). */
export function stronglyConnected(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: [string, number][] = [[start, 0]];
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const [v, k] = frame;
      if (k === 0) {
        index.set(v, counter);
        low.set(v, counter);
        counter++;
        stack.push(v);
        onStack.add(v);
      }
      const edges = (graph.get(v) ?? []).filter((w) => graph.has(w));
      if (k < edges.length) {
        frame[1] = k + 1;
        const w = edges[k]!;
        if (!index.has(w)) work.push([w, 0]);
        else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low.set(parent[0], Math.min(low.get(parent[0])!, low.get(v)!));
      if (low.get(v) === index.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        if (component.length > 1 || edges.includes(v)) out.push(component);
      }
    }
  }
  return out;
}
