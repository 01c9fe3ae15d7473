'use strict';
// Leak through a job scheduler's tables: remove() cancels a
// subscription's job, unsubscribe() ends the subscription without it.
const schedule = require('tiny-schedule');
const { series } = require('./lib');

class ReportSubscription {
  constructor(id) {
    this.id = id;
    this.jobName = 'report:' + id;
    this.recipients = ['a@example.com'];
    this.template = 'r'.repeat(600) + id;
  }
}

class SubscriptionService {
  constructor() {
    this.subscriptions = new Map();
  }

  create(id) {
    const sub = new ReportSubscription(id);
    schedule.scheduleJob(sub.jobName, 3600000, (fireDate) => this.run(sub, fireDate));
    this.subscriptions.set(sub.id, sub);
    return sub;
  }

  run(sub) {
    return sub.template.length;
  }

  remove(id) {
    const sub = this.subscriptions.get(id);
    if (!sub) return;
    schedule.cancelJob(sub.jobName);
    this.subscriptions.delete(id);
  }

  unsubscribe(id) {
    const sub = this.subscriptions.get(id);
    if (!sub) return;
    sub.status = 'unsubscribed';
    this.subscriptions.delete(id);
  }
}

const service = new SubscriptionService();
let n = 0;
series(() => {
  for (let i = 0; i < 200; i++) {
    service.create(n);
    if (i % 50 === 0) service.remove(n);
    else service.unsubscribe(n);
    n++;
  }
});
