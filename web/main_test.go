//go:build !browser

package web

import "testing"

// runTests runs the tests; the browser build's (browser_main_test.go)
// starts Chromium around them. TestMain is bench_test.go's.
func runTests(m *testing.M) int { return m.Run() }
