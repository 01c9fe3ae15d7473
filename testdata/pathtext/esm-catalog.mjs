// A module that exports a Map of Item objects (see esm-export.mjs).
class Item {
  constructor(id) {
    this.id = id;
  }
}

export const catalog = new Map();
for (let i = 0; i < 3; i++) catalog.set(i, new Item(i));
