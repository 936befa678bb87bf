package fit

import (
	"errors"
	"fmt"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/model"
)

// fillMissing fills the missing feature values that the data left in
// place (data.Dataset.PendingFill, from data.CSVOptions.KeepMissing): it
// fits the fills on trainPart alone, so that no validation row shapes
// them, replaces the missing values of trainPart and valPart with them,
// and returns the schema with the fills recorded, which the model keeps
// and which reads new files (eval, predict) the same way. A resumed run
// reuses the checkpoint's fills, as it reuses its scaler. Data without
// pending fills is left alone and j.schema returned.
func (j *job[T]) fillMissing(trainPart, valPart *data.Dataset, resume *model.Checkpoint) (*data.Schema, error) {
	policy := j.d.PendingFill
	if !policy.Fills() {
		return j.schema, nil
	}
	if j.schema == nil {
		return nil, errors.New("fit: the data has missing values to fill (Dataset.PendingFill) but no schema to say which columns are categorical")
	}
	var s *data.Schema
	if resume != nil && resume.Model.Schema != nil {
		s = resume.Model.Schema
	} else {
		var err error
		if s, err = j.schema.FitFills(trainPart.X, policy); err != nil {
			return nil, fmt.Errorf("fit: %w", err)
		}
	}
	for _, p := range []*data.Dataset{trainPart, valPart} {
		if p == nil {
			continue
		}
		if err := s.FillMissing(p.X); err != nil {
			return nil, fmt.Errorf("fit: %w", err)
		}
		p.PendingFill = data.MissingError // filled: X is complete
	}
	return s, nil
}
