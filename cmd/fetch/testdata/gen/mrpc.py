"""mrpc.py writes the MRPC golden files of command fetch.

testdata/mrpc/expected/{train,dev,test}.tsv are what format_mrpc of GLUE's
download_glue_data.py (https://gist.github.com/W4ngatang/60c2bdb54d156a41194446737ce03e2e,
its last revision) writes from testdata/mrpc/msr_paraphrase_train.txt,
msr_paraphrase_test.txt and mrpc_dev_ids.tsv. Those inputs are made up, in
the published files' form (UTF-8 with a byte order mark, CRLF line ends) plus
what the published files may not have: lone CR and LF line ends, a last line
without an end, and whitespace that Python's str.strip() removes and Go's
strings.TrimSpace would not (U+001C).

The script's downloads are replaced by copies of the local inputs, and its
TASK2PATH gets the "MRPC" entry of its earlier revisions (the dev ids), which
its last revision lacks. Run it from cmd/fetch with download_glue_data.py in
a directory outside the repository:

    PYTHONPATH=/tmp/gluescript python3 testdata/gen/mrpc.py
"""
import os
import shutil
import tempfile

import download_glue_data as glue

INPUTS = "testdata/mrpc"


def fetch(url, dest):
    name = os.path.basename(url)
    shutil.copyfile(os.path.join(INPUTS, name), dest)
    return dest, None


def main():
    glue.URLLIB.urlretrieve = fetch
    glue.TASK2PATH["MRPC"] = "https://dl.fbaipublicfiles.com/glue/data/mrpc_dev_ids.tsv"
    with tempfile.TemporaryDirectory() as data_dir:
        glue.format_mrpc(data_dir, "")
        for name in ("train.tsv", "dev.tsv", "test.tsv"):
            shutil.copyfile(os.path.join(data_dir, "MRPC", name), os.path.join(INPUTS, "expected", name))


if __name__ == "__main__":
    main()
