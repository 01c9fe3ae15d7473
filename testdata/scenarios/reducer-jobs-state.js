'use strict';
// The jobs reducer of reducer-jobs.js: an immutable dictionary by id,
// copied with one more key for each job, and a case that removes ids.
const initial = { byId: {} };

function jobsReducer(state = initial, action) {
  switch (action.type) {
    case 'jobs/enqueued': {
      const job = action.payload;
      return { byId: { ...state.byId, [job.id]: { ...job, status: 'queued', note: 'n'.repeat(200) } } };
    }
    case 'jobs/succeeded': {
      const job = state.byId[action.payload.id];
      if (!job) return state;
      return { byId: { ...state.byId, [job.id]: { ...job, status: 'done', result: { ok: true } } } };
    }
    case 'jobs/removed': {
      const byId = { ...state.byId };
      for (const id of action.payload.ids) delete byId[id];
      return { byId };
    }
    default:
      return state;
  }
}

module.exports = { jobsReducer };
