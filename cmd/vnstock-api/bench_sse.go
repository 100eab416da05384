package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"time"
)

// sseReadBuffer holds one SSE line; longer lines are accounted from their
// first sseReadBuffer bytes, which hold the envelope's type and ts.
const sseReadBuffer = 8 << 10

// errStreamEnded is an SSE response body that ended while the run went on.
var errStreamEnded = errors.New("stream ended by server")

// runSSE is one SSE client: GET the stream, report the connection through
// connected, then read until ctx ends or the server ends the stream.
func (r *runner) runSSE(ctx context.Context, url string, st *clientStats, connected func()) {
	rctx, cancel := context.WithCancel(context.WithValue(ctx, bytesKey{}, &st.bytes))
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, url, nil)
	if err != nil {
		st.err = err
		connected()
		return
	}
	req.Header = r.header.Clone()
	req.Header.Set("Accept", "text/event-stream")
	start := time.Now()
	timer := time.AfterFunc(r.cfg.connectTimeout, cancel)
	resp, err := r.httpClient.Do(req)
	timer.Stop()
	st.dialTime = time.Since(start)
	if err == nil && resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		err = &httpStatusError{code: resp.StatusCode}
	}
	if err != nil {
		st.err = err
		connected()
		return
	}
	defer resp.Body.Close()
	st.connected = true
	st.alive.Store(true)
	connected()
	err = r.readSSE(resp.Body, st)
	st.alive.Store(false)
	if ctx.Err() == nil {
		st.err = err
	}
}

// readSSE reads the stream line by line, accounting each `data:` line.
func (r *runner) readSSE(body io.Reader, st *clientStats) error {
	if r.cfg.idle {
		if _, err := io.Copy(io.Discard, body); err != nil {
			return err
		}
		return errStreamEnded
	}
	br := bufio.NewReaderSize(body, sseReadBuffer)
	for {
		line, err := br.ReadSlice('\n')
		if err == nil {
			st.sseLine(line[:len(line)-1])
			continue
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			if err == io.EOF {
				err = errStreamEnded
			}
			return err
		}
		st.sseLine(line)
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = br.ReadSlice('\n')
		}
		if err == io.EOF {
			return errStreamEnded
		}
		if err != nil {
			return err
		}
	}
}

var prefixData = []byte("data:")

// sseLine accounts one line of the stream; only data lines carry messages.
func (st *clientStats) sseLine(line []byte) {
	line = bytes.TrimSuffix(line, []byte{'\r'})
	if !bytes.HasPrefix(line, prefixData) {
		return
	}
	data := bytes.TrimPrefix(line[len(prefixData):], []byte{' '})
	measuring := st.phase.Load() == phaseMeasure
	var now int64
	if measuring {
		now = st.measureNow()
	}
	st.line(data, measuring, now)
}
