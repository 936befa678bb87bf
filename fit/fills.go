package fit

import (
	"errors"
	"fmt"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/tensor"
)

// fillMissing handles the missing feature values that the data left in
// place (data.Dataset.PendingFill, from data.CSVOptions.KeepMissing): it
// fits the fills on the training rows alone, so that no validation row
// shapes them, and returns the schema with the fills recorded, which the
// model keeps, which fills every batch as the run reads it (prepare), and
// which reads new files (eval, predict) the same way. It also returns a
// filled copy of the training rows' features, for the scaler to be fitted
// on; the caller drops it once that is done. A resumed run reuses the
// checkpoint's fills, as it reuses its scaler. Data without pending fills
// gets j.schema and no copy.
func (j *job[T]) fillMissing(trainPart *part, resume *model.Checkpoint) (*data.Schema, *tensor.Matrix[float64], error) {
	policy := j.d.PendingFill
	if !policy.Fills() {
		return j.schema, nil, nil
	}
	if j.schema == nil {
		return nil, nil, errors.New("fit: the data has missing values to fill (Dataset.PendingFill) but no schema to say which columns are categorical")
	}
	x := trainPart.features(j.d)
	var s *data.Schema
	if resume != nil && resume.Model.Schema != nil {
		s = resume.Model.Schema
	} else {
		var err error
		if s, err = j.schema.FitFills(x, policy); err != nil {
			return nil, nil, fmt.Errorf("fit: %w", err)
		}
	}
	if err := s.FillMissing(x); err != nil {
		return nil, nil, fmt.Errorf("fit: %w", err)
	}
	return s, x, nil
}
