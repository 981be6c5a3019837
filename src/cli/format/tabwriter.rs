//! Elastic tabstops, as Go's text/tabwriter (docker's copy in cli/command/formatter/tabwriter),
//! configured as docker's tables: minwidth 10, tabwidth 1, padding 3, pad with spaces, no flags.
//! Cells are terminated by '\t'; the text after the last tab of a line is not part of a column.

pub(super) struct Cell {
    text: String,
    width: usize,
}

pub(super) struct TabWriter {
    minwidth: usize,
    padding: usize,
    lines: Vec<Vec<Cell>>,
    cell: String,
    widths: Vec<usize>,
    out: String,
}

impl TabWriter {
    pub(super) fn docker() -> TabWriter {
        TabWriter {
            minwidth: 10,
            padding: 3,
            lines: vec![Vec::new()],
            cell: String::new(),
            widths: Vec::new(),
            out: String::new(),
        }
    }

    pub(super) fn terminate_cell(&mut self) -> usize {
        let text = std::mem::take(&mut self.cell);
        let width = unicode_width::UnicodeWidthStr::width(text.as_str());
        let line = self
            .lines
            .last_mut()
            .expect("tabwriter always has a current line");
        line.push(Cell { text, width });
        line.len()
    }

    pub(super) fn write(&mut self, text: &str) {
        for c in text.chars() {
            match c {
                '\t' | '\u{b}' | '\n' | '\u{c}' => {
                    let ncells = self.terminate_cell();
                    if c == '\n' || c == '\u{c}' {
                        self.lines.push(Vec::new());
                        // A line with a single cell cannot affect the columns below it: flush.
                        if c == '\u{c}' || ncells == 1 {
                            self.flush_lines();
                        }
                    }
                }
                c => self.cell.push(c),
            }
        }
    }

    pub(super) fn flush_lines(&mut self) {
        if !self.cell.is_empty() {
            self.terminate_cell();
        }
        self.format(0, self.lines.len());
        self.lines = vec![Vec::new()];
        self.widths.clear();
    }

    pub(super) fn flush(mut self) -> String {
        self.flush_lines();
        self.out
    }

    pub(super) fn write_padding(&mut self, textw: usize, cellw: usize) {
        for _ in textw..cellw {
            self.out.push(' ');
        }
    }

    pub(super) fn write_lines(&mut self, line0: usize, line1: usize) {
        for i in line0..line1 {
            let line = std::mem::take(&mut self.lines[i]);
            for (j, c) in line.iter().enumerate() {
                self.out.push_str(&c.text);
                if j < self.widths.len() {
                    self.write_padding(c.width, self.widths[j]);
                }
            }
            self.lines[i] = line;
            if i + 1 == self.lines.len() {
                let rest = std::mem::take(&mut self.cell);
                self.out.push_str(&rest);
            } else {
                self.out.push('\n');
            }
        }
    }

    pub(super) fn format(&mut self, mut line0: usize, line1: usize) {
        let column = self.widths.len();
        let mut this = line0;
        while this < line1 {
            let len = self.lines[this].len();
            if len == 0 || column >= len - 1 {
                this += 1;
                continue;
            }
            // This line has a cell in this column: print what is above, then size the column
            // over the block of contiguous lines that have it.
            self.write_lines(line0, this);
            line0 = this;
            let mut width = self.minwidth;
            while this < line1 {
                let line = &self.lines[this];
                if line.is_empty() || column >= line.len() - 1 {
                    break;
                }
                width = width.max(line[column].width + self.padding);
                this += 1;
            }
            self.widths.push(width);
            self.format(line0, this);
            self.widths.pop();
            line0 = this;
            this += 1;
        }
        self.write_lines(line0, line1);
    }
}
