module github.com/tokensim/tokensim

go 1.26

require github.com/golang-jwt/jwt/v5 v5.3.1

require (
	github.com/aymanbagabas/go-udiff v0.4.1 // indirect
	github.com/charmbracelet/x/exp/golden v0.1.0 // indirect
	github.com/goccy/go-yaml v1.19.2 // indirect
)
