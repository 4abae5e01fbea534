package plot_test

import (
	"bytes"
	"fmt"
	"image/png"
	"log"
	"strings"

	"github.com/bertline/bertline/pkg/plot"
)

func ExampleRender() {
	metrics := `{"step":100,"loss":7.9,"mlm_loss":7.2,"lr":0.00001,"seq_per_s":180.5}
{"step":200,"loss":6.2,"mlm_loss":5.6,"lr":0.00002,"seq_per_s":183.0}
{"step":200,"eval_mlm_accuracy":0.21,"eval_mlm_loss":5.9}
{"step":300,"loss":5.`
	m, err := plot.ReadMetrics(strings.NewReader(metrics))
	if err != nil {
		log.Fatal(err)
	}
	var out bytes.Buffer
	if err := plot.Render(&out, "tiny run", plot.TrainingPanels(m), 0, 0); err != nil {
		log.Fatal(err)
	}
	cfg, err := png.DecodeConfig(&out)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(m["loss"].X), "loss points;", cfg.Width, "×", cfg.Height)
	// Output: 2 loss points; 1200 × 800
}
