package main

import (
	"math"
	"math/bits"
)

// Latency histogram: HDR-style log-linear buckets over microseconds. Values
// below 2·histSub are exact; above, each power of two is split into histSub
// buckets, so a bucket is at most 1/histSub (about 3%) of its value wide. A
// histogram is owned by one client goroutine (no locks, no allocation per
// record) and merged into the total when the client has exited.
const (
	histSubBits = 5
	histSub     = 1 << histSubBits
	// histMaxUs is the largest value kept in its own bucket (about 67 s);
	// larger values land in the last bucket but still count in max.
	histMaxUs   = 1<<26 - 1
	histBuckets = histSub*(26-histSubBits-1) + 2*histSub
)

type histogram struct {
	counts [histBuckets]uint32
	n      int64
	sum    int64
	max    int64
}

// bucketOf returns the bucket index of v (0 ≤ v ≤ histMaxUs).
func bucketOf(v int64) int {
	shift := max(0, bits.Len64(uint64(v))-(histSubBits+1))
	return histSub*shift + int(v>>shift)
}

// bucketRange returns the smallest value and the width of bucket i.
func bucketRange(i int) (low, width int64) {
	if i < 2*histSub {
		return int64(i), 1
	}
	shift := i/histSub - 1
	sub := int64(i - histSub*shift)
	return sub << shift, 1 << shift
}

// record adds one value in microseconds; negative values count as 0.
func (h *histogram) record(us int64) {
	if us < 0 {
		us = 0
	}
	h.n++
	h.sum += us
	if us > h.max {
		h.max = us
	}
	h.counts[bucketOf(min(us, histMaxUs))]++
}

// merge adds o's values to h.
func (h *histogram) merge(o *histogram) {
	if o == nil {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.sum += o.sum
	h.max = max(h.max, o.max)
}

// quantile returns the value at quantile q in [0, 1] in microseconds: the
// middle of the bucket holding the ⌈q·n⌉-th smallest value, never above max
// (and max itself for values past histMaxUs).
func (h *histogram) quantile(q float64) int64 {
	if h.n == 0 {
		return 0
	}
	rank := int64(math.Ceil(q * float64(h.n)))
	rank = min(max(rank, 1), h.n)
	var seen int64
	for i, c := range h.counts {
		seen += int64(c)
		if seen >= rank {
			if i == histBuckets-1 {
				return h.max // the overflow bucket: its values are unknown
			}
			low, width := bucketRange(i)
			return min(low+(width-1)/2, h.max)
		}
	}
	return h.max
}

// mean returns the average value in microseconds.
func (h *histogram) mean() float64 {
	if h.n == 0 {
		return 0
	}
	return float64(h.sum) / float64(h.n)
}
