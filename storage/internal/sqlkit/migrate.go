// Package sqlkit holds what the two SQL stores (storage/postgres and
// storage/sqlite) share: reading their embedded migrations and checking and
// normalising the values they are asked to write, so that both stores give
// the same answers to the same calls.
package sqlkit

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Migration is one versioned SQL file, NNNN_name.sql.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// LoadMigrations reads every *.sql file of dir in fsys, named
// <version>_<name>.sql, and returns them by version. Versions must be
// positive, unique and contiguous from 1, so that a missing file is an error
// rather than a silently skipped step.
func LoadMigrations(fsys fs.FS, dir string) ([]Migration, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	out := make([]Migration, 0, len(names))
	for _, name := range names {
		m, err := parseMigrationName(path.Base(name))
		if err != nil {
			return nil, err
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", name, err)
		}
		m.SQL = string(body)
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b Migration) int { return a.Version - b.Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %s: version %d, want %d (versions are contiguous from 1)", m.Name, m.Version, i+1)
		}
	}
	return out, nil
}

func parseMigrationName(base string) (Migration, error) {
	stem := strings.TrimSuffix(base, ".sql")
	num, name, ok := strings.Cut(stem, "_")
	if !ok || name == "" {
		return Migration{}, fmt.Errorf("migration %q: want <version>_<name>.sql", base)
	}
	v, err := strconv.Atoi(num)
	if err != nil || v <= 0 {
		return Migration{}, fmt.Errorf("migration %q: version %q is not a positive integer", base, num)
	}
	return Migration{Version: v, Name: stem}, nil
}
