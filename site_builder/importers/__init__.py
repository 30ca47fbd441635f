"""Importers: other tools' files turned into an explainer's content folder.

Each importer is a pure function from text (plus a path used only in messages) to the files of
a content folder and a report of what could not be brought along; `files.write_content` is the
one place an import writes, all files or none. Nothing in the build pipeline imports this
package: it only writes content, which the pipeline then reads like any other.
"""
