package data

import "fmt"

// MarshalText writes the task as "regression" or "classification", so that
// a Schema's JSON reads as words rather than a number.
func (t Task) MarshalText() ([]byte, error) {
	switch t {
	case Regression, Classification:
		return []byte(t.String()), nil
	}
	return nil, fmt.Errorf("data: cannot encode %v", t)
}

// UnmarshalText reads "regression" or "classification".
func (t *Task) UnmarshalText(b []byte) error {
	switch string(b) {
	case "regression":
		*t = Regression
	case "classification":
		*t = Classification
	default:
		return fmt.Errorf("data: unknown task %s (want regression or classification)", quote(string(b)))
	}
	return nil
}
