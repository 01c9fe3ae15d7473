#!/bin/sh
# Regenerates the committed logs below from real node runs (node 20):
#   progress-dots.log    GC lines glued after progress dots (no newline)
#   few-majors-leak.log  --trace-gc-ignore-scavenger, growth.js leaking over only 3
#                        major GCs: too few to judge, strong growth
#   prefixed.log         leak.js's trace with a different line prefix on
#                        every line (timestamps, pm2, journald, concurrently)
set -e
cd "$(dirname "$0")"
node --max-semi-space-size=1 --trace-gc progress.js 120 > progress-dots.log
node --max-semi-space-size=1 --trace-gc --trace-gc-ignore-scavenger growth.js 300 > few-majors-leak.log
node --max-old-space-size=24 --max-semi-space-size=1 --trace-gc --trace-gc-verbose leak.js 300 |
  awk '{ p[0] = "2026-11-24T19:00:00.123456789Z "; p[1] = "0|app  | ";
         p[2] = "Nov 24 19:00:00 host node[123]: "; p[3] = "[0] "; print p[NR % 4] $0 }' > prefixed.log
