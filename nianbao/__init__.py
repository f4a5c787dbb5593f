"""nianbao 年报问答: question answering over government information-disclosure annual reports."""
