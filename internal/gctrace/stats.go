package gctrace

import (
	"math"
	"slices"
	"sync"
)

// exactCap is how many pauses per GC type are kept verbatim. Up to this
// many, percentiles are exact; beyond it the values move into a
// logarithmic histogram whose buckets are 2% wide, so a reported
// percentile is within 1% of the true value. Memory per type is then fixed
// (exactCap floats, or the histogram) whatever the log's length.
const exactCap = 4096

const (
	histGamma = 1.02
	histMin   = 0.001 // ms; smaller pauses share bucket 0
	histSize  = 1400  // covers histMin·1.02^1400 ≈ 1e9 ms
)

var logGamma = math.Log(histGamma)

// pauseSketch holds a distribution of non-negative values (milliseconds).
type pauseSketch struct {
	n          int64
	total, max float64
	min        float64
	exact      []float64 // nil once hist is in use
	hist       []uint32
	overflow   int64 // values in hist beyond its last bucket
}

func (s *pauseSketch) add(v float64) {
	if v < 0 || math.IsNaN(v) {
		v = 0
	}
	if s.n == 0 || v < s.min {
		s.min = v
	}
	if v > s.max {
		s.max = v
	}
	s.n++
	s.total += v
	if s.hist == nil {
		if len(s.exact) < exactCap {
			s.exact = append(s.exact, v)
			return
		}
		s.hist = make([]uint32, histSize)
		for _, x := range s.exact {
			s.histAdd(x)
		}
		s.exact = nil
	}
	s.histAdd(v)
}

func bucketOf(v float64) int {
	if v <= histMin {
		return 0
	}
	return int(math.Ceil(math.Log(v/histMin) / logGamma))
}

// centiBucket maps pauses printed with two decimals (V8's "%.2f", or fewer)
// below 655.36 ms to their bucket without a logarithm per GC: the hot path
// once a type has more than exactCap pauses.
var (
	centiOnce   sync.Once
	centiBucket []uint16
)

func bucketFast(v float64) int {
	c := v * 100
	if c >= 0 && c < 65536 {
		r := math.Round(c)
		if math.Abs(c-r) < 1e-6 {
			centiOnce.Do(func() {
				centiBucket = make([]uint16, 65536)
				for i := range centiBucket {
					centiBucket[i] = uint16(bucketOf(float64(i) / 100))
				}
			})
			return int(centiBucket[int(r)])
		}
	}
	return bucketOf(v)
}

func (s *pauseSketch) histAdd(v float64) {
	i := bucketFast(v)
	if i >= histSize {
		s.overflow++
		return
	}
	if s.hist[i] == math.MaxUint32 {
		return // saturated: 4 billion GCs in one bucket is past any real log
	}
	s.hist[i]++
}

// merge folds o into s.
func (s *pauseSketch) merge(o *pauseSketch) {
	if o.n == 0 {
		return
	}
	if o.hist == nil && (s.hist == nil && len(s.exact)+len(o.exact) <= exactCap) {
		if s.n == 0 || o.min < s.min {
			s.min = o.min
		}
		s.max = max(s.max, o.max)
		s.n += o.n
		s.total += o.total
		s.exact = append(s.exact, o.exact...)
		return
	}
	// Rebuild as a histogram from both sides.
	if s.hist == nil {
		s.hist = make([]uint32, histSize)
		for _, x := range s.exact {
			s.histAdd(x)
		}
		s.exact = nil
	}
	if o.hist == nil {
		for _, x := range o.exact {
			s.histAdd(x)
		}
	} else {
		for i, c := range o.hist {
			s.hist[i] += c
		}
		s.overflow += o.overflow
	}
	if s.n == 0 || o.min < s.min {
		s.min = o.min
	}
	s.max = max(s.max, o.max)
	s.n += o.n
	s.total += o.total
}

// Exact reports whether quantiles are computed from every value.
func (s *pauseSketch) Exact() bool { return s.hist == nil }

// quantile returns the nearest-rank q-quantile (q in [0,1]): the smallest
// value with at least q·n values at or below it.
func (s *pauseSketch) quantile(q float64) float64 {
	if s.n == 0 {
		return 0
	}
	rank := int64(math.Ceil(q * float64(s.n)))
	if rank < 1 {
		rank = 1
	}
	if rank > s.n {
		rank = s.n
	}
	if s.hist == nil {
		v := slices.Clone(s.exact)
		slices.Sort(v)
		return v[rank-1]
	}
	var seen int64
	for i, c := range s.hist {
		seen += int64(c)
		if seen >= rank {
			if i == 0 {
				return s.min
			}
			// Geometric middle of the bucket (histMin·γ^(i-1), histMin·γ^i].
			v := histMin * math.Pow(histGamma, float64(i)-0.5)
			return math.Min(math.Max(v, s.min), s.max)
		}
	}
	return s.max
}

// point is one GC kept for the chart or the trend.
type point struct {
	T      float64 // ms since isolate start (end of the GC)
	Before float64 // MB
	After  float64 // MB
	Major  bool
	Forced bool  // a forced GC (any of those merged here)
	N      int32 // GCs merged into this point
	// OldKB is old space's "used" from the --trace-gc-verbose block that
	// followed this (major) GC; -1 when there was none.
	OldKB float64
	// Top, First and Scavs: for a major GC, the most the scavenges since
	// the major GC before it left, what the first of them left, and how
	// many there were.
	Top, First float64
	Scavs      int32
}

// series keeps at most cap points of a stream by merging neighbours: when
// full, pairs merge and each new point then stands for twice as many GCs.
// Before keeps the maximum (peaks) and After the minimum (the floor the
// heap returned to), which is what the chart is for.
type series struct {
	pts     []point
	cap     int
	stride  int32
	pending point
}

func newSeries(capacity int) series {
	return series{cap: capacity, stride: 1}
}

func mergePoint(a, b point) point {
	if a.N == 0 {
		return b
	}
	if b.N == 0 {
		return a
	}
	return point{T: a.T, Before: max(a.Before, b.Before), After: min(a.After, b.After),
		Major: a.Major || b.Major, Forced: a.Forced || b.Forced, N: a.N + b.N}
}

func (s *series) add(p point) {
	p.N = 1
	s.pending = mergePoint(s.pending, p)
	if s.pending.N < s.stride {
		return
	}
	s.pts = append(s.pts, s.pending)
	s.pending = point{}
	if len(s.pts) >= s.cap {
		h := 0
		for i := 0; i+1 < len(s.pts); i += 2 {
			s.pts[h] = mergePoint(s.pts[i], s.pts[i+1])
			h++
		}
		if len(s.pts)%2 == 1 {
			s.pending = s.pts[len(s.pts)-1]
		}
		s.pts = s.pts[:h]
		s.stride *= 2
	}
}

// points returns the kept points including a partly filled last one.
func (s *series) points() []point {
	out := slices.Clone(s.pts)
	if s.pending.N > 0 {
		out = append(out, s.pending)
	}
	return out
}

// sample keeps an evenly spaced subset of at most cap points of a stream:
// when full it drops every other point and then keeps one in stride. Unlike
// series it keeps real observations, which the trend fit needs.
type sample struct {
	pts    []point
	cap    int
	stride int
	seen   int
}

// add offers p and returns its index in pts if it was kept, else -1.
func (s *sample) add(p point) int {
	s.seen++
	if (s.seen-1)%s.stride != 0 {
		return -1
	}
	s.pts = append(s.pts, p)
	idx := len(s.pts) - 1
	if len(s.pts) >= s.cap {
		h := 0
		for i := 0; i < len(s.pts); i += 2 {
			s.pts[h] = s.pts[i]
			h++
		}
		s.pts = s.pts[:h]
		s.stride *= 2
		if idx%2 == 1 {
			return -1
		}
		idx /= 2
	}
	return idx
}

// Fit is a robust linear trend y = Intercept + Slope·x.
type Fit struct {
	Slope, Intercept float64
	R2               float64 // 1 − SSres/SStot of this line; 0 when y does not vary
	N                int
}

// theilSen fits the median of pairwise slopes, which a few outliers (a
// burst, a warm-up step) cannot drag the way they drag least squares.
// It is O(n²) in time and memory, so callers pass a bounded sample.
func theilSen(xs, ys []float64) Fit {
	n := len(xs)
	f := Fit{N: n}
	if n < 2 {
		if n == 1 {
			f.Intercept = ys[0]
		}
		return f
	}
	slopes := make([]float64, 0, n*(n-1)/2)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			if dx := xs[j] - xs[i]; dx != 0 {
				slopes = append(slopes, (ys[j]-ys[i])/dx)
			}
		}
	}
	if len(slopes) == 0 {
		f.Intercept = median(slices.Clone(ys))
		return f
	}
	f.Slope = median(slopes)
	res := make([]float64, n)
	for i := range xs {
		res[i] = ys[i] - f.Slope*xs[i]
	}
	f.Intercept = median(res)
	var mean float64
	for _, y := range ys {
		mean += y
	}
	mean /= float64(n)
	var ssRes, ssTot float64
	for i := range xs {
		d := ys[i] - (f.Intercept + f.Slope*xs[i])
		ssRes += d * d
		e := ys[i] - mean
		ssTot += e * e
	}
	if ssTot > 0 {
		f.R2 = max(0, 1-ssRes/ssTot)
	}
	return f
}

// median sorts v in place and returns its median.
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	m := len(v) / 2
	if len(v)%2 == 1 {
		return v[m]
	}
	return (v[m-1] + v[m]) / 2
}

// MannKendall is a rank-based test for a monotonic trend: it counts, over
// every pair of observations in order, how often the later one is higher
// minus how often it is lower. It ignores the shape of the curve, so a
// heap that keeps rising but slows down (a leak nearing the heap limit)
// scores as well as a straight line, and a single outlier moves it by at
// most n−1 of its n(n−1)/2 pairs.
type MannKendall struct {
	S   int64   // Σ sign(y_j − y_i) over i < j
	Tau float64 // S over the number of pairs, −1..1
	// P is the one-sided p-value of "no upward trend" (normal
	// approximation with ties corrected and a continuity correction):
	// small means the series rises more consistently than chance would.
	P float64
}

// mannKendall tests ys (in time order). O(n²); callers pass a bounded sample.
func mannKendall(ys []float64) MannKendall {
	n := len(ys)
	mk := MannKendall{P: 1}
	if n < 3 {
		return mk
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			switch {
			case ys[j] > ys[i]:
				mk.S++
			case ys[j] < ys[i]:
				mk.S--
			}
		}
	}
	pairs := float64(n) * float64(n-1) / 2
	mk.Tau = float64(mk.S) / pairs
	// Ties are common (V8 prints the heap to 0.1 MB) and shrink the
	// variance of S.
	v := slices.Clone(ys)
	slices.Sort(v)
	fn := float64(n)
	variance := fn * (fn - 1) * (2*fn + 5)
	for i := 0; i < n; {
		j := i
		for j < n && v[j] == v[i] {
			j++
		}
		if t := float64(j - i); t > 1 {
			variance -= t * (t - 1) * (2*t + 5)
		}
		i = j
	}
	variance /= 18
	if variance <= 0 || mk.S <= 0 {
		return mk
	}
	z := (float64(mk.S) - 1) / math.Sqrt(variance)
	mk.P = 0.5 * math.Erfc(z/math.Sqrt2)
	return mk
}

// risingShare is the share of consecutive pairs in which ys went up.
func risingShare(ys []float64) (up, steps int) {
	for i := 1; i < len(ys); i++ {
		if ys[i] > ys[i-1] {
			up++
		}
	}
	return up, max(0, len(ys)-1)
}

// indexSlope is the Theil–Sen slope of ys against its index: the typical
// rise per step, whatever the spacing in time.
func indexSlope(ys []float64) float64 {
	xs := make([]float64, len(ys))
	for i := range xs {
		xs[i] = float64(i)
	}
	return theilSen(xs, ys).Slope
}
