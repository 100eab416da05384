package market

import "time"

// ICT is Indochina Time, the zone of Asia/Ho_Chi_Minh: UTC+7 with no daylight
// saving, so a fixed zone is exact and needs no tz database.
var ICT = time.FixedZone("ICT", 7*60*60)

// TimeLayout is RFC 3339 with seconds; times are always written in ICT, so
// they carry the +07:00 offset.
const TimeLayout = time.RFC3339

// InICT returns t in ICT.
func InICT(t time.Time) time.Time { return t.In(ICT) }

// Date returns the calendar day of t in ICT as midnight ICT.
func Date(t time.Time) time.Time {
	y, m, d := t.In(ICT).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, ICT)
}
