package text

// Names returns the names of an enum's values, in order: the list an
// error message or a flag's help offers ("one of local, memory, cookie").
// The engine's enums are string types, so a value is its name.
func Names[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

// Plural is one when n is 1, many otherwise: "1 step", "2 steps".
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
