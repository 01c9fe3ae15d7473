'use strict';
// A validator that builds its JSON schema per submission (a new object each
// time) and compiles it with a shared ajv: ajv keeps every compiled schema,
// keyed by the schema object, so each submission adds one for good.
const { series } = require('./lib');
const Ajv = require('ajv');

class FormValidator {
  constructor() { this.ajv = new Ajv(); }
  check(form, data) {
    const schema = { type: 'object', required: form.fields.map((f) => f.name), title: form.title };
    const validate = this.ajv.compile(schema);
    return validate(data);
  }
}

const validator = new FormValidator();
const form = { title: 'signup', fields: [{ name: 'email' }, { name: 'name' }, { name: 'plan' }] };
let next = 0;
series(() => {
  for (let i = 0; i < 200; i++) validator.check(form, { email: 'u' + next++ + '@example.com', name: 'x', plan: 'pro' });
});
