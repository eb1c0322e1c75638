package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strings"
)

// Bot is the search crawler a request claims to be, by its User-Agent.
type Bot int

const (
	NoBot Bot = iota
	Googlebot
	Bingbot
)

func (b Bot) String() string {
	switch b {
	case Googlebot:
		return "google"
	case Bingbot:
		return "bing"
	}
	return "none"
}

// Claim is one request whose User-Agent names a search crawler.
type Claim struct {
	Addr netip.Addr
	Bot  Bot
}

// ErrMalformedLog marks a line that is not a WAF log record (not JSON, no valid clientIp).
var ErrMalformedLog = errors.New("malformed WAF log line")

// MaxRecordBytes bounds a gunzipped record: a WAF log line is at most a few KB, Firehose records
// at most 1,000 KiB; more than this is a gzip bomb, not a log.
const MaxRecordBytes = 4 << 20

var gzipMagic = []byte{0x1f, 0x8b}

// Lines splits one Firehose record's data into WAF log lines, gunzipping it first when it is gzip.
// Empty lines are dropped.
func Lines(data []byte) ([][]byte, error) {
	if bytes.HasPrefix(data, gzipMagic) {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%w: bad gzip header: %v", ErrMalformedLog, err)
		}
		plain, err := io.ReadAll(io.LimitReader(zr, MaxRecordBytes+1))
		if err != nil {
			return nil, fmt.Errorf("%w: bad gzip data: %v", ErrMalformedLog, err)
		}
		if len(plain) > MaxRecordBytes {
			return nil, fmt.Errorf("%w: more than %d bytes once gunzipped", ErrMalformedLog, MaxRecordBytes)
		}
		data = plain
	}
	lines := make([][]byte, 0, 1)
	for len(data) > 0 {
		line, rest, _ := bytes.Cut(data, []byte{'\n'})
		if line = bytes.TrimSpace(line); len(line) > 0 {
			lines = append(lines, line)
		}
		data = rest
	}
	return lines, nil
}

// botOf reads a User-Agent the way the web ACL's block rule does: lowercased, contains google or bing.
func botOf(userAgent string) Bot {
	ua := strings.ToLower(userAgent)
	switch {
	case strings.Contains(ua, "google"):
		return Googlebot
	case strings.Contains(ua, "bing"):
		return Bingbot
	}
	return NoBot
}

type wafLogLine struct {
	HTTPRequest *struct {
		ClientIP string `json:"clientIp"`
		Headers  []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"headers"`
	} `json:"httpRequest"`
}

// ClaimOf reads one WAF log line. The second result is false when the request claims no crawler.
// A line that mentions neither google nor bing anywhere claims nothing and is not parsed: that is
// most traffic, and what keeps the processor fast.
func ClaimOf(line []byte) (Claim, bool, error) {
	if !mentionsCrawler(line) {
		if len(line) == 0 || line[0] != '{' {
			return Claim{}, false, fmt.Errorf("%w: not a JSON object", ErrMalformedLog)
		}
		return Claim{}, false, nil
	}
	var log wafLogLine
	if err := json.Unmarshal(line, &log); err != nil {
		return Claim{}, false, fmt.Errorf("%w: %v", ErrMalformedLog, err)
	}
	if log.HTTPRequest == nil {
		return Claim{}, false, fmt.Errorf("%w: no httpRequest", ErrMalformedLog)
	}
	bot := NoBot
	for _, h := range log.HTTPRequest.Headers {
		if strings.EqualFold(h.Name, "user-agent") {
			bot = botOf(h.Value)
			break
		}
	}
	if bot == NoBot {
		return Claim{}, false, nil
	}
	addr, err := netip.ParseAddr(log.HTTPRequest.ClientIP)
	if err != nil {
		return Claim{}, false, fmt.Errorf("%w: clientIp %q: %v", ErrMalformedLog, log.HTTPRequest.ClientIP, err)
	}
	return Claim{Addr: addr.Unmap(), Bot: bot}, true, nil
}

// mentionsCrawler reports whether "google" or "bing" occurs in b, ignoring ASCII case, without allocating.
func mentionsCrawler(b []byte) bool {
	for i := 0; i+4 <= len(b); i++ {
		switch b[i] | 0x20 {
		case 'g':
			if i+6 <= len(b) && foldEqual(b[i:i+6], "google") {
				return true
			}
		case 'b':
			if foldEqual(b[i:i+4], "bing") {
				return true
			}
		}
	}
	return false
}

// foldEqual compares ASCII letters case-insensitively; lower is already lower case.
func foldEqual(b []byte, lower string) bool {
	for i := 0; i < len(lower); i++ {
		if b[i]|0x20 != lower[i] {
			return false
		}
	}
	return true
}
