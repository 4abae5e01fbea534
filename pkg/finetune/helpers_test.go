package finetune

import (
	"encoding/json"
	"io"
)

func jsonLines(r io.Reader) *json.Decoder { return json.NewDecoder(r) }
