package feeds

// SSITrades derives the iBoard trade tape from successive snapshots: the
// shared BoardTrades (field 54, the cumulative matched volume, drives it).
type SSITrades = BoardTrades

// NewSSITrades returns an empty trade deriver.
func NewSSITrades() *SSITrades { return NewBoardTrades() }
