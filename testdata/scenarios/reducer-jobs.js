'use strict';
// Leak through a reducer's dictionary: the reaper dispatches the finished
// job objects where the reducer's 'jobs/removed' case expects their ids,
// so it deletes nothing and every job stays in byId.
const crypto = require('crypto');
const { jobsReducer } = require('./reducer-jobs-state');
const { series } = require('./lib');

function createStore(reducer) {
  let state = reducer(undefined, { type: '@@init' });
  return {
    getState: () => state,
    dispatch(action) {
      state = reducer(state, action);
    },
  };
}

const combine = (reducers) => (state = {}, action) => {
  const next = {};
  for (const key of Object.keys(reducers)) next[key] = reducers[key](state[key], action);
  return next;
};

const store = createStore(combine({ jobs: jobsReducer }));

function reap() {
  const done = Object.values(store.getState().jobs.byId).filter((j) => j.status === 'done');
  if (done.length) store.dispatch({ type: 'jobs/removed', payload: { ids: done } });
}

series(() => {
  for (let i = 0; i < 300; i++) {
    const id = crypto.randomUUID();
    store.dispatch({ type: 'jobs/enqueued', payload: { id, owner: 'u' + (i % 7) } });
    store.dispatch({ type: 'jobs/succeeded', payload: { id } });
  }
  reap();
});
