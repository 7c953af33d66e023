from annotations.models.articles import Article as Article
from annotations.models.articles import ArticleRevision as ArticleRevision
from annotations.models.projects import Membership as Membership
from annotations.models.projects import Project as Project
from annotations.models.projects import Role as Role
