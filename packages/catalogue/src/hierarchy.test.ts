import { describe, expect, it } from 'vitest';
import { createHierarchy } from './hierarchy.js';
import type { Concept, Release } from './model.js';

// SYNTHETIC release: made-up codes, only to show the navigation of any classification with parents.
const concept = (code: string, parent?: string): Concept => ({
  code,
  display: `synthetic ${code}`,
  status: 'active',
  ...(parent ? { parent } : {}),
});
const release: Release = {
  system: { id: 'synthetic-tree', uri: 'urn:example:synthetic-tree', name: 'SYNTHETIC', version: '1' },
  concepts: [
    concept('root'),
    concept('b', 'root'),
    concept('a', 'root'),
    concept('a.1', 'a'),
    concept('orphan', 'missing'),
    concept('loop1', 'loop2'),
    concept('loop2', 'loop1'),
  ],
};

describe('createHierarchy', () => {
  const tree = createHierarchy(release);

  it('gives parent, children by code, ancestors from the top, and roots', () => {
    expect(tree.parent('a.1')?.code).toBe('a');
    expect(tree.children('root').map((c) => c.code)).toEqual(['a', 'b']);
    expect(tree.ancestors('a.1').map((c) => c.code)).toEqual(['root', 'a']);
    expect(tree.roots().map((c) => c.code)).toEqual(['root', 'orphan']);
  });

  it('answers nothing for unknown codes and stops on a loop in the data', () => {
    expect(tree.lookup('nope')).toBeUndefined();
    expect(tree.children('nope')).toEqual([]);
    expect(tree.ancestors('nope')).toEqual([]);
    expect(tree.ancestors('loop1').map((c) => c.code)).toEqual(['loop2']);
  });
});
