package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"net/netip"
	"os"
	"testing"
)

func fixtureLines(t testing.TB) [][]byte {
	t.Helper()
	data, err := os.ReadFile("testdata/waf-log-lines.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	lines, err := Lines(data)
	if err != nil {
		t.Fatal(err)
	}
	return lines
}

func gzipped(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestClaimsOfWAFLogLines(t *testing.T) {
	want := []struct {
		claims bool
		claim  Claim
	}{
		{true, Claim{netip.MustParseAddr("66.249.66.1"), Googlebot}},
		{true, Claim{netip.MustParseAddr("203.0.113.7"), Googlebot}},
		{true, Claim{netip.MustParseAddr("157.55.39.1"), Bingbot}},
		{false, Claim{}}, // a browser
		{false, Claim{}}, // a browser whose URI and referer mention google and bing: the User-Agent decides
		{true, Claim{netip.MustParseAddr("2001:4860:4801:10::1"), Googlebot}},
		{true, Claim{netip.MustParseAddr("203.0.113.7"), Googlebot}}, // already blocked: still a claim
	}
	lines := fixtureLines(t)
	if len(lines) != len(want) {
		t.Fatalf("%d lines in the fixture, want %d", len(lines), len(want))
	}
	for i, line := range lines {
		claim, ok, err := ClaimOf(line)
		if err != nil || ok != want[i].claims || claim != want[i].claim {
			t.Errorf("line %d: ClaimOf = %+v, %v, %v; want %+v, %v", i+1, claim, ok, err, want[i].claim, want[i].claims)
		}
	}
}

func TestUserAgentMatchesTheBlockRule(t *testing.T) {
	for ua, want := range map[string]Bot{
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)": Googlebot,
		"GOOGLEBOT": Googlebot,
		"AdsBot-Google (+http://www.google.com/adsbot.html)":                      Googlebot,
		"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)": Bingbot,
		"Mozilla/5.0 BingPreview/1.0b":                                            Bingbot,
		"curl/8.11.1":                                                             NoBot,
		"":                                                                        NoBot,
	} {
		if got := botOf(ua); got != want {
			t.Errorf("botOf(%q) = %s, want %s", ua, got, want)
		}
	}
}

func TestLinesGunzipsAndSplits(t *testing.T) {
	data, _ := os.ReadFile("testdata/waf-log-lines.jsonl")
	plain, err := Lines(data)
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := Lines(gzipped(t, data))
	if err != nil {
		t.Fatal(err)
	}
	if len(unzipped) != len(plain) || !bytes.Equal(unzipped[3], plain[3]) {
		t.Fatalf("gzip: %d lines, plain: %d", len(unzipped), len(plain))
	}
	if got, _ := Lines([]byte("\n\n  \n")); len(got) != 0 {
		t.Fatalf("blank data gave %d lines", len(got))
	}
}

func TestMalformedInput(t *testing.T) {
	for name, data := range map[string][]byte{
		"truncated gzip":  gzipped(t, []byte(`{"httpRequest":{}}`))[:12],
		"gzip magic only": {0x1f, 0x8b},
		"gzip of a bomb":  gzipped(t, bytes.Repeat([]byte{'a'}, MaxRecordBytes+10)),
	} {
		if _, err := Lines(data); !errors.Is(err, ErrMalformedLog) {
			t.Errorf("%s: Lines error = %v, want ErrMalformedLog", name, err)
		}
	}
	for name, line := range map[string]string{
		"not JSON":                           `GET / HTTP/1.1 Googlebot`,
		"JSON, but not an object":            `["googlebot"]`,
		"no httpRequest":                     `{"action":"ALLOW","note":"googlebot"}`,
		"claim without a client IP":          `{"httpRequest":{"headers":[{"name":"User-Agent","value":"Googlebot/2.1"}]}}`,
		"claim with a client IP of 5 octets": `{"httpRequest":{"clientIp":"66.249.66.1.5","headers":[{"name":"User-Agent","value":"Googlebot/2.1"}]}}`,
		"plain text without a crawler":       `hello`,
	} {
		if _, _, err := ClaimOf([]byte(line)); !errors.Is(err, ErrMalformedLog) {
			t.Errorf("%s: ClaimOf error = %v, want ErrMalformedLog", name, err)
		}
	}
	// No User-Agent header at all is a request that claims nothing, not a malformed line.
	if _, ok, err := ClaimOf([]byte(`{"httpRequest":{"clientIp":"203.0.113.1","headers":[],"uri":"/google"}}`)); ok || err != nil {
		t.Fatalf("got %v, %v", ok, err)
	}
}
