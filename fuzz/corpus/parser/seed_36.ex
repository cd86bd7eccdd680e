x = """
  heredoc #{1 + 1}
    indented \
  continued
  """