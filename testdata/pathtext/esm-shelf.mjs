// An ES module whose top-level Map is reached (on node 22 and later)
// through the function another module imports from it: esm-import.mjs's
// record, its imports' Cells, that function, then this module's scope.
class Book { constructor(i) { this.i = i; } }
const shelf = new Map();
for (let i = 0; i < 10; i++) shelf.set('b' + i, new Book(i));
export function shelfSize() { return shelf.size; }
