package postgres

// SetCopyThresholdForTest sets the batch size from which UpsertBars uses COPY.
func (s *Store) SetCopyThresholdForTest(n int) { s.copyThreshold = n }
