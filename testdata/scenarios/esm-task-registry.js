'use strict';
// Tasks left in an ES-module library's registry: each feed's task is only
// stopped when its client closes, and only destroy() takes it out.
import('./esm-task-registry.mjs');
