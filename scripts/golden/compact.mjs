// Reads `oracle.mjs nodes` JSON lines on stdin and writes one compact JSON
// document: {"classes": [name...], "nodes": [[id, retained, distance, classIndex]...]}
// in snapshot order, so the golden files stay small.
import { createInterface } from 'readline';

const classes = [];
const classIndex = new Map();
const nodes = [];
for await (const line of createInterface({ input: process.stdin })) {
  if (!line) continue;
  const n = JSON.parse(line);
  let c = classIndex.get(n.class);
  if (c === undefined) {
    c = classes.length;
    classes.push(n.class);
    classIndex.set(n.class, c);
  }
  nodes.push(`[${n.id},${n.retained},${n.distance},${c}]`);
}
process.stdout.write(`{"classes":${JSON.stringify(classes)},\n"nodes":[\n${nodes.join(',\n')}\n]}\n`);
