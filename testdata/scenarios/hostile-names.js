'use strict';
// Names in a heap are anyone's strings: a class name, a property name and a
// string value (held in 1,500 copies, so one-snapshot reports list it as a
// duplicated string) that would run script if a report pasted them into
// HTML unescaped. The leak itself is plain: a module-level object keeps one more
// entry per request under a hostile key. Used by the HTML report's escaping
// tests.
const { series } = require('./lib');

const evilClass = '</script><img/src/onerror=alert(1)>';
const evilKey = '<img src=x onerror="alert(2)">';
const evilLabel = '<svg onload=alert(4)>' + ' label'.repeat(50);

const makeClass = () => class {
  constructor(i) {
    this.payload = '</style><script>alert(3)</script>' + i;
    // The same text in a new string each time: a duplicated string.
    this.label = Buffer.from(evilLabel).toString();
    this.rows = new Array(32).fill(i);
  }
};
const Evil = makeClass();
// DevTools (and V8's snapshot) name an object by its Symbol.toStringTag when
// its constructor has no name of its own.
Evil.prototype[Symbol.toStringTag] = evilClass;

const holder = { [evilKey]: [] };
let next = 0;

series(() => {
  for (let i = 0; i < 300; i++) holder[evilKey].push(new Evil(next++));
});
