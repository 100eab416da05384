package hub

import (
	"slices"
	"sync"
)

// Thousands of subscribers typically hold the same group (`quote:@VN30`),
// and an idle connection's memory is mostly what it holds. The types here
// keep one copy of a group's member list for all of them and spare a
// subscriber with a single request a map of its members.

// expansions shares expanded member lists: a subscriber keeps the list the
// hub already holds for the same topic when the expansion is unchanged. A
// shared list is never modified.
type expansions struct {
	mu    sync.Mutex
	lists map[string][]string // requested topic → its latest expansion (two or more members)
}

// share returns members, or an equal list already in use for topic.
func (e *expansions) share(topic string, members []string) []string {
	if len(members) < 2 {
		return members
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if old, ok := e.lists[topic]; ok && slices.Equal(old, members) {
		return old
	}
	if e.lists == nil {
		e.lists = map[string][]string{}
	}
	e.lists[topic] = members
	return members
}

// memberCounts counts, for each member topic a subscriber holds, the
// requests that name it. While the subscriber holds one request (whose
// members are distinct) the counts are that request's list, shared and
// read-only; a map is made once a second request comes.
type memberCounts struct {
	one []string
	m   map[string]int
}

func (mc *memberCounts) count(t string) int {
	if mc.m != nil {
		return mc.m[t]
	}
	if slices.Contains(mc.one, t) {
		return 1
	}
	return 0
}

func (mc *memberCounts) len() int {
	if mc.m != nil {
		return len(mc.m)
	}
	return len(mc.one)
}

// add counts a new request's members.
func (mc *memberCounts) add(members []string) {
	switch {
	case len(members) == 0:
		return
	case mc.m == nil && mc.one == nil && distinct(members):
		mc.one = members
		return
	case mc.m == nil:
		mc.m = make(map[string]int, len(mc.one)+len(members))
		for _, t := range mc.one {
			mc.m[t]++
		}
		mc.one = nil
	}
	for _, t := range members {
		mc.m[t]++
	}
}

// remove uncounts a released request's members and returns those no
// request names any more. The result may share memory with members.
func (mc *memberCounts) remove(members []string) (gone []string) {
	if len(members) == 0 {
		return nil
	}
	if mc.m == nil { // members is the only request's list
		gone, mc.one = mc.one, nil
		return gone
	}
	for _, t := range members {
		if mc.m[t]--; mc.m[t] <= 0 {
			delete(mc.m, t)
			gone = append(gone, t)
		}
	}
	return gone
}

// all returns every member held, in a new slice.
func (mc *memberCounts) all() []string {
	if mc.m == nil {
		return slices.Clone(mc.one)
	}
	out := make([]string, 0, len(mc.m))
	for t := range mc.m {
		out = append(out, t)
	}
	return out
}

func (mc *memberCounts) reset() { mc.one, mc.m = nil, nil }

// distinct reports whether no topic appears twice in ts.
func distinct(ts []string) bool {
	if len(ts) > 64 {
		seen := make(map[string]struct{}, len(ts))
		for _, t := range ts {
			if _, dup := seen[t]; dup {
				return false
			}
			seen[t] = struct{}{}
		}
		return true
	}
	for i, t := range ts {
		if slices.Contains(ts[i+1:], t) {
			return false
		}
	}
	return true
}
