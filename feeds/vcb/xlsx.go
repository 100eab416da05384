package vcb

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// An .xlsx workbook is a zip of XML parts (ECMA-376): xl/workbook.xml
// names the sheets, xl/_rels/workbook.xml.rels maps them to their part,
// xl/sharedStrings.xml holds the strings cells refer to by index. The
// reader below takes only what one sheet of plain values needs; it is not
// a general spreadsheet reader (no formulas, styles or dates).

// Limits against hostile archives.
const (
	maxParts    = 64
	maxPartSize = 16 << 20
	maxCols     = 16 // columns kept per row; the rate sheet has 5
)

type xlsxWorkbook struct {
	Sheets []struct {
		Name string `xml:"name,attr"`
		ID   string `xml:"id,attr"` // r:id
	} `xml:"sheets>sheet"`
}

type xlsxRels struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

type xlsxText struct {
	T    string `xml:"t"`
	Runs []struct {
		T string `xml:"t"`
	} `xml:"r"`
}

func (t xlsxText) String() string {
	if len(t.Runs) == 0 {
		return t.T
	}
	var b strings.Builder
	b.WriteString(t.T)
	for _, r := range t.Runs {
		b.WriteString(r.T)
	}
	return b.String()
}

type xlsxSST struct {
	Items []xlsxText `xml:"si"`
}

type xlsxSheet struct {
	Rows []struct {
		Num   int `xml:"r,attr"`
		Cells []struct {
			Ref    string    `xml:"r,attr"`
			Type   string    `xml:"t,attr"`
			Value  string    `xml:"v"`
			Inline *xlsxText `xml:"is"`
		} `xml:"c"`
	} `xml:"sheetData>row"`
}

// sheetRow is one row of cell texts (missing cells as "") and its 1-based
// number.
type sheetRow struct {
	Num   int
	Cells []string
}

// readSheet returns the rows of the sheet named name. Errors name the part
// that failed.
func readSheet(data []byte, name string) ([]sheetRow, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	if len(zr.File) > maxParts {
		return nil, fmt.Errorf("xlsx: %d parts", len(zr.File))
	}
	parts := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		parts[strings.TrimPrefix(f.Name, "/")] = f
	}
	var wb xlsxWorkbook
	if err := decodePart(parts, "xl/workbook.xml", &wb); err != nil {
		return nil, err
	}
	var rels xlsxRels
	if err := decodePart(parts, "xl/_rels/workbook.xml.rels", &rels); err != nil {
		return nil, err
	}
	target := ""
	for _, s := range wb.Sheets {
		if s.Name != name {
			continue
		}
		for _, r := range rels.Rels {
			if r.ID == s.ID {
				target = r.Target
			}
		}
	}
	if target == "" {
		return nil, fmt.Errorf("xlsx: no sheet %q", name)
	}
	if strings.HasPrefix(target, "/") {
		target = strings.TrimPrefix(target, "/")
	} else {
		target = path.Join("xl", target)
	}
	var sst xlsxSST
	if _, ok := parts["xl/sharedStrings.xml"]; ok {
		if err := decodePart(parts, "xl/sharedStrings.xml", &sst); err != nil {
			return nil, err
		}
	}
	var sheet xlsxSheet
	if err := decodePart(parts, target, &sheet); err != nil {
		return nil, err
	}
	return sheetCells(&sheet, &sst)
}

// sheetCells lays the cells out by their references.
func sheetCells(sheet *xlsxSheet, sst *xlsxSST) ([]sheetRow, error) {
	rows := make([]sheetRow, 0, len(sheet.Rows))
	for i, r := range sheet.Rows {
		var row []string
		for _, c := range r.Cells {
			col := len(row)
			if c.Ref != "" {
				n, ok := columnIndex(c.Ref)
				if !ok || n < len(row) {
					return nil, fmt.Errorf("xlsx: cell reference %q", truncate(c.Ref))
				}
				col = n
			}
			if col >= maxCols {
				continue
			}
			v := c.Value
			switch c.Type {
			case "s":
				i, err := strconv.Atoi(c.Value)
				if err != nil || i < 0 || i >= len(sst.Items) {
					return nil, fmt.Errorf("xlsx: cell %s: shared string %q", c.Ref, truncate(c.Value))
				}
				v = sst.Items[i].String()
			case "inlineStr":
				if c.Inline != nil {
					v = c.Inline.String()
				}
			}
			for len(row) < col {
				row = append(row, "")
			}
			row = append(row, v)
		}
		num := r.Num
		if num <= 0 {
			num = i + 1
		}
		rows = append(rows, sheetRow{Num: num, Cells: row})
	}
	return rows, nil
}

// columnIndex reads the column of a reference such as "C12" (0-based).
func columnIndex(ref string) (int, bool) {
	n, i := 0, 0
	for ; i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z'; i++ {
		n = n*26 + int(ref[i]-'A'+1)
		if n > 16384 { // XFD, the last column Excel allows
			return 0, false
		}
	}
	if i == 0 {
		return 0, false
	}
	return n - 1, true
}

func decodePart(parts map[string]*zip.File, name string, v any) error {
	f, ok := parts[name]
	if !ok {
		return fmt.Errorf("xlsx: no part %s", name)
	}
	if f.UncompressedSize64 > maxPartSize {
		return fmt.Errorf("xlsx: part %s is %d bytes", name, f.UncompressedSize64)
	}
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("xlsx: part %s: %w", name, err)
	}
	defer rc.Close()
	dec := xml.NewDecoder(io.LimitReader(rc, maxPartSize))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("xlsx: part %s: %w", name, err)
	}
	return nil
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40]
	}
	return s
}
